import { useEffect, useState, type ReactNode } from 'react';
import { createAudioSession, type AudioSession } from '../audio-session.js';
import { openDesktopAudioPort, type DesktopAudioBridge } from '../desktop-audio-bridge.js';
import { Ringer } from '../ring-tone.js';
import { DesktopAudioContext, type DesktopAudio } from './desktop-audio-context.js';

/**
 * Opens the desktop's audio for the console inside it: reads the saved devices, gets the audio port
 * from main (through the preload, `window.callhookAudio`) and starts an `AudioSession` on it; closes
 * both on unmount. Until the port is there, and if it cannot be had, the children see no audio.
 */
export function DesktopAudioProvider({ bridge, children }: { bridge: DesktopAudioBridge; children: ReactNode }) {
  const [audio, setAudio] = useState<DesktopAudio | null>(null);
  useEffect(() => {
    let cancelled = false;
    let session: AudioSession | null = null;
    const ringer = new Ringer();
    void (async () => {
      const devices = await bridge.getDevices().catch(() => ({ input: null, output: null }));
      const port = await openDesktopAudioPort(bridge);
      if (cancelled) return port.close();
      session = createAudioSession({ wire: port, devices });
      await ringer.setOutputDevice(devices.output);
      setAudio({ session, ringer, bridge });
    })().catch((error: unknown) => console.error('desktop audio could not start:', error));
    return () => {
      cancelled = true;
      void session?.close();
      void ringer.close();
      setAudio(null);
    };
  }, [bridge]);
  return <DesktopAudioContext.Provider value={audio}>{children}</DesktopAudioContext.Provider>;
}
