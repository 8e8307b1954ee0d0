import { useCallback, useEffect, useState } from 'react';
import type { MaskedSettings } from '@callhook/core';
import { ClientError, errorMessage, type ClientIssue } from '../client/client-error.js';
import type { EngineClient, SaveResult } from '../client/engine-client.js';
import { useUnsavedGuard } from './unsaved-guard.js';

export type SectionKey = 'actionUrls' | 'inbound' | 'lines';

export interface SaveFeedback {
  kind: 'saved' | 'error';
  message: string;
  issues: ClientIssue[];
}

export interface SettingsSection<K extends SectionKey> {
  draft: MaskedSettings[K] | null;
  setDraft(update: (draft: MaskedSettings[K]) => MaskedSettings[K]): void;
  dirty: boolean;
  saving: boolean;
  feedback: SaveFeedback | null;
  apply(): Promise<void>;
  discard(): void;
}

/**
 * One section of the settings as an editable draft. Apply re-reads the whole document first, so a
 * section saved from another page (or another console) is not overwritten with stale values.
 */
export interface SectionCodec<K extends SectionKey> {
  /** Saved section → editable draft (e.g. padded to the dialog's rows). */
  toDraft(section: MaskedSettings[K]): MaskedSettings[K];
  /** Draft → section to save (e.g. without empty rows). */
  toSaved(draft: MaskedSettings[K]): MaskedSettings[K];
}

/**
 * What Apply did, in words: the fields that wait for a restart (the running instance cannot apply
 * them), and, when the instance has no settings file (`--demo`), that the change lasts only until it stops.
 */
export function savedMessage(result: Pick<SaveResult, 'restartRequired' | 'restartFields' | 'persisted'>): string {
  const fields = result.restartFields.length > 0 ? result.restartFields.join(', ') : 'the listener address or port';
  const parts = ['Settings applied.'];
  if (result.restartRequired) parts.push(`The running instance cannot apply ${fields}: these take effect after a restart.`);
  if (result.persisted === false) {
    parts.push(
      result.restartRequired
        ? 'This instance has no settings file (the demo), so a restart starts from its defaults: put the change in a settings file (callhook config init) and serve with --config.'
        : 'This instance has no settings file (the demo): the change lasts until it stops.',
    );
  }
  return parts.join(' ');
}

const identity = { toDraft: <T>(value: T) => value, toSaved: <T>(value: T) => value };

export function useSettingsSection<K extends SectionKey>(client: EngineClient, key: K, codec: SectionCodec<K> = identity): SettingsSection<K> {
  const { toDraft, toSaved } = codec;
  const [saved, setSaved] = useState<MaskedSettings[K] | null>(null);
  const [draft, setDraftState] = useState<MaskedSettings[K] | null>(null);
  const [saving, setSaving] = useState(false);
  const [feedback, setFeedback] = useState<SaveFeedback | null>(null);

  useEffect(() => {
    let live = true;
    client.getSettings().then(
      (settings) => {
        if (!live) return;
        setSaved(toDraft(settings[key]));
        setDraftState(toDraft(settings[key]));
      },
      (error: unknown) => live && setFeedback({ kind: 'error', message: `could not load the settings: ${errorMessage(error)}`, issues: [] }),
    );
    return () => {
      live = false;
    };
    // The codec is a pair of pure functions; a new object each render must not reload.
  }, [client, key]);

  const setDraft = useCallback((update: (draft: MaskedSettings[K]) => MaskedSettings[K]) => {
    setDraftState((current) => (current === null ? current : update(current)));
  }, []);

  const apply = useCallback(async () => {
    if (draft === null) return;
    setSaving(true);
    try {
      const current = await client.getSettings();
      const result = await client.saveSettings({ ...current, [key]: toSaved(draft) });
      setSaved(toDraft(result.settings[key]));
      setDraftState(toDraft(result.settings[key]));
      setFeedback({ kind: 'saved', message: savedMessage(result), issues: [] });
    } catch (error) {
      const issues = error instanceof ClientError ? error.issues : [];
      setFeedback({ kind: 'error', message: issues.length > 0 ? 'The settings were not applied:' : errorMessage(error), issues });
    } finally {
      setSaving(false);
    }
  }, [client, draft, key, toDraft, toSaved]);

  const discard = useCallback(() => {
    setDraftState(saved);
    setFeedback(null);
  }, [saved]);

  const dirty = JSON.stringify(draft) !== JSON.stringify(saved);
  useUnsavedGuard(`settings:${key}`, dirty);
  return { draft, setDraft, dirty, saving, feedback, apply, discard };
}
