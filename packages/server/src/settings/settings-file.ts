import { CallhookError, loadSettingsText, type EditionLimits, type LoadedSettings, type Settings } from '@callhook/core';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic-write.js';

/** Where settings persist: the settings file, or nowhere (the demo's embedded settings). */
export interface SettingsStore {
  readonly path: string | null;
  save(settings: Settings): void;
}

export const unsavedSettings: SettingsStore = { path: null, save() {} };

/**
 * Why a settings file could not be read, with the fix: missing, a directory, not readable by this
 * user; any other error in Node's words. One text for `serve --config`, SIGHUP and `config check`.
 */
export function unreadableSettings(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT'
      ? 'no such file; create one with: callhook config init --out FILE'
      : code === 'EISDIR'
        ? 'it is a directory; pass the settings file itself (callhook config init --out FILE writes one)'
        : code === 'EACCES'
          ? 'permission denied; run callhook as a user who may read it, or change its owner or mode'
          : (error as Error).message;
  return `cannot read ${path}: ${reason}`;
}

/** A settings JSON file: read and validated by core, written atomically (it holds the token: mode 0600). */
export class SettingsFile implements SettingsStore {
  constructor(readonly path: string) {}

  /**
   * Reads and validates the file against the edition's rules (`editionLimits(edition)`; default: core's
   * built-ins). Throws `invalid_settings`: a `SettingsError` listing each bad field, or one line when the
   * file cannot be read (missing, a directory, not readable).
   */
  load(edition?: EditionLimits): LoadedSettings {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      // One line naming the file and the fix (exit 3 in the CLI): no field of the settings is at fault.
      throw new CallhookError('invalid_settings', unreadableSettings(this.path, error));
    }
    return loadSettingsText(text, edition);
  }

  save(settings: Settings): void {
    writeFileAtomic(this.path, `${JSON.stringify(settings, null, 2)}\n`);
  }
}
