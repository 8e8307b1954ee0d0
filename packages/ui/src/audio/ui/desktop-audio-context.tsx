import { createContext, useContext, useEffect, useSyncExternalStore } from 'react';
import type { AudioSession, AudioSessionState } from '../audio-session.js';
import type { DesktopAudioBridge } from '../desktop-audio-bridge.js';
import type { Ringer } from '../ring-tone.js';

/** Desktop call audio as the console's components see it; absent (null) in the web console. */
export interface DesktopAudio {
  session: AudioSession;
  /** What `setRinging` controls: the ring tone for incoming calls. */
  ringer: Pick<Ringer, 'setRinging' | 'setOutputDevice'>;
  /** Saves the device choice in the desktop prefs. */
  bridge: Pick<DesktopAudioBridge, 'saveDevices'>;
}

export const DesktopAudioContext = createContext<DesktopAudio | null>(null);

/** The desktop's call audio, or null where there is none (the console served over HTTP). */
export function useDesktopAudio(): DesktopAudio | null {
  return useContext(DesktopAudioContext);
}

/** The session's state, re-rendering on each change. */
export function useAudioState(session: AudioSession): AudioSessionState {
  return useSyncExternalStore(session.subscribe, session.state);
}

/** Rings while `ringing` is true, where there is desktop audio; renders nothing. */
export function RingWhile({ ringing }: { ringing: boolean }) {
  const audio = useDesktopAudio();
  useEffect(() => {
    if (!audio) return;
    void audio.ringer.setRinging(ringing).catch(() => undefined);
  }, [audio, ringing]);
  useEffect(() => () => void audio?.ringer.setRinging(false).catch(() => undefined), [audio]);
  return null;
}
