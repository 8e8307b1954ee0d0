import type { CallSnapshot, EngineEvent, Logger } from '@callhook/core';
import type { WireStats } from '@callhook/ui/audio-wire';
import { createAudioLink, NO_AUDIO_ON_LINE, type AudioLink } from './audio-link.js';
import type { CallAudioPort } from './call-audio-port.js';
import type { AudioPortMain } from './electron-ports.js';

export interface AudioRouterOptions {
  /** The audio of an active call (engine host: from its line's `audioOf`); null when its line has none. */
  audioOf(guid: string): CallAudioPort | null;
  /** The engine's active calls now (seeds the router; later changes come through `onEvent`). */
  activeCalls(): CallSnapshot[];
  logger: Logger;
}

/**
 * Decides which call the console's microphone and speaker belong to: the connected call (the most
 * recently connected if the line reports several), none while every call rings or is on hold. It
 * follows engine events and moves the renderer's audio link accordingly; a call whose line has no
 * audio is reported as `unavailable` ("no audio on this line").
 */
export interface AudioRouter {
  /** A renderer's new audio port; replaces (and closes) the one before. */
  connect(port: AudioPortMain): void;
  onEvent(event: EngineEvent): void;
  /** The current link's counters; null with no renderer connected. */
  stats(): WireStats | null;
  /** The call the audio belongs to now. */
  activeCall(): string | null;
  close(): void;
}

export function createAudioRouter(options: AudioRouterOptions): AudioRouter {
  const calls = new Map<string, CallSnapshot>(options.activeCalls().map((call) => [call.guid, call]));
  let link: AudioLink | null = null;
  /** The call the link was last pointed at; undefined forces the next sync to point it again. */
  let routed: string | null | undefined;

  const wanted = (): string | null => {
    let best: CallSnapshot | null = null;
    for (const call of calls.values()) {
      if (call.state !== 'connected') continue;
      if (!best || (call.connectedAt ?? '') > (best.connectedAt ?? '')) best = call;
    }
    return best?.guid ?? null;
  };

  const sync = () => {
    const target = wanted();
    if (!link || target === routed) return;
    routed = target;
    if (target === null) return link.detach();
    const audio = options.audioOf(target);
    if (audio) link.attach(target, audio);
    else link.unavailable(target, NO_AUDIO_ON_LINE);
  };

  return {
    connect(port) {
      link?.close();
      link = createAudioLink(port, options.logger);
      routed = undefined;
      sync();
    },
    onEvent(event) {
      if (event.type !== 'call') return;
      if (event.call.state === 'ended') calls.delete(event.call.guid);
      else calls.set(event.call.guid, event.call);
      sync();
    },
    stats: () => link?.stats() ?? null,
    activeCall: () => (routed === undefined ? null : routed),
    close() {
      link?.close();
      link = null;
    },
  };
}
