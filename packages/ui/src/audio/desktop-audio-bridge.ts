import { AUDIO_PORT_MESSAGE, type AudioDevices } from './audio-wire.js';

/**
 * What the Electron preload exposes as `window.callhookAudio`: the audio port and the saved device
 * choice. Results are plain values; a refusal rejects with the main process's message.
 */
export interface DesktopAudioBridge {
  /**
   * Asks main for a fresh audio port; main posts it to this window, where the preload hands it to the
   * page with `window.postMessage(AUDIO_PORT_MESSAGE, '*', [port])` (`waitForAudioPort`).
   */
  openAudio(): Promise<void>;
  getDevices(): Promise<AudioDevices>;
  saveDevices(devices: AudioDevices): Promise<AudioDevices>;
}

/**
 * The audio port the preload posts to this window after `openAudio()`. Only a message from this
 * window itself, tagged `AUDIO_PORT_MESSAGE`, with exactly one port is taken.
 */
export function waitForAudioPort(target: Window): Promise<MessagePort> {
  return new Promise((resolve) => {
    const onMessage = (event: MessageEvent) => {
      if (event.source !== target || event.data !== AUDIO_PORT_MESSAGE || event.ports.length !== 1) return;
      // One port per request: a second waiting request takes the next one.
      event.stopImmediatePropagation();
      target.removeEventListener('message', onMessage);
      resolve(event.ports[0]!);
    };
    target.addEventListener('message', onMessage);
  });
}

/** Opens the desktop's audio port: asks main, then takes the port the preload posts. */
export async function openDesktopAudioPort(bridge: DesktopAudioBridge, target: Window = window): Promise<MessagePort> {
  const port = waitForAudioPort(target);
  await bridge.openAudio();
  return port;
}
