import { AUDIO_CHANNELS, AudioDevicesSchema, type AudioDevices } from '@callhook/ui/audio-wire';
import type { AudioPortMain, IpcInvokeEvent, IpcMainPort } from './electron-ports.js';
import { toBridgeError } from './ipc-handlers.js';

/** A fresh port pair (Electron's `MessageChannelMain`): main keeps `port1`, the renderer gets `port2`. */
export type AudioChannelFactory = () => { port1: AudioPortMain; port2: unknown };

export interface AudioIpcBackend {
  createChannel: AudioChannelFactory;
  /** Main's end of the renderer's new port (the audio router attaches it to the active call). */
  connect(port: AudioPortMain): void;
  /** The saved device choice (desktop prefs). */
  getDevices(): AudioDevices;
  /** Saves an already-checked choice; answers what was saved. */
  saveDevices(devices: AudioDevices): AudioDevices;
}

/**
 * The audio IPC handlers (`AUDIO_CHANNELS`): `open` makes a port pair and posts the renderer's end
 * to the asking renderer on `AUDIO_CHANNELS.port`; the device choice is read and saved (checked with
 * `AudioDevicesSchema`). Same sender check and `{ ok, … }` answers as the console's handlers.
 */
export function registerAudioIpc(ipc: IpcMainPort, backend: AudioIpcBackend, isTrustedSender: (event: IpcInvokeEvent) => boolean): () => void {
  const routes: Record<'open' | 'getDevices' | 'saveDevices', (event: IpcInvokeEvent, args: unknown[]) => unknown> = {
    open(event) {
      if (!event.sender) throw new Error('no renderer to send the audio port to');
      const { port1, port2 } = backend.createChannel();
      backend.connect(port1);
      event.sender.postMessage(AUDIO_CHANNELS.port, null, [port2 as never]);
      return null;
    },
    getDevices: () => backend.getDevices(),
    saveDevices: (_event, [devices]) => backend.saveDevices(AudioDevicesSchema.parse(devices)),
  };
  for (const [name, route] of Object.entries(routes)) {
    ipc.handle(AUDIO_CHANNELS[name as keyof typeof routes], async (event, ...args) => {
      if (!isTrustedSender(event)) return { ok: false, code: 'forbidden', message: 'IPC from a frame that is not the callhook console' };
      try {
        return { ok: true, value: await route(event, args) };
      } catch (error) {
        return toBridgeError(error);
      }
    });
  }
  return () => {
    for (const name of Object.keys(routes)) ipc.removeHandler(AUDIO_CHANNELS[name as keyof typeof routes]);
  };
}
