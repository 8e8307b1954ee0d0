import type { EngineEvent } from '@callhook/core';
import type { DesktopAudioBridge } from '@callhook/ui/audio';
import { AUDIO_CHANNELS, AUDIO_PORT_MESSAGE } from '@callhook/ui/audio-channels';
import type { AudioDevices } from '@callhook/ui/audio-wire';
import { IPC_CHANNELS, type BridgeResult, type CallhookBridge } from '@callhook/ui/bridge';
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

/**
 * The renderer's only way to the engine: one named method per IPC message, nothing else from Node or
 * Electron. Main checks every payload against core's schemas.
 */
const bridge: CallhookBridge = {
  getSettings: () => ipcRenderer.invoke(IPC_CHANNELS.getSettings),
  saveSettings: (settings) => ipcRenderer.invoke(IPC_CHANNELS.saveSettings, settings),
  getCalls: () => ipcRenderer.invoke(IPC_CHANNELS.getCalls),
  getDeliveries: () => ipcRenderer.invoke(IPC_CHANNELS.getDeliveries),
  getLineStatus: () => ipcRenderer.invoke(IPC_CHANNELS.getLineStatus),
  getLineTypes: () => ipcRenderer.invoke(IPC_CHANNELS.getLineTypes),
  getLines: () => ipcRenderer.invoke(IPC_CHANNELS.getLines),
  getLineSetup: (lineId) => ipcRenderer.invoke(IPC_CHANNELS.getLineSetup, lineId),
  execute: (command) => ipcRenderer.invoke(IPC_CHANNELS.execute, command),
  testSlot: (request) => ipcRenderer.invoke(IPC_CHANNELS.testSlot, request),
  replayDelivery: (deliveryId) => ipcRenderer.invoke(IPC_CHANNELS.replayDelivery, deliveryId),
  onEngineEvent(listener) {
    const forward = (_event: IpcRendererEvent, engineEvent: EngineEvent) => listener(engineEvent);
    ipcRenderer.on(IPC_CHANNELS.engineEvent, forward);
    return () => void ipcRenderer.removeListener(IPC_CHANNELS.engineEvent, forward);
  },
};

contextBridge.exposeInMainWorld('callhook', bridge);

async function unwrap<T>(pending: Promise<BridgeResult<T>>): Promise<T> {
  const result = await pending;
  if (result.ok) return result.value;
  throw new Error(result.message);
}

// Desktop call audio (`DesktopAudioBridge` in @callhook/ui/audio). A MessagePort cannot cross the
// context bridge, so the port main posts here is handed to the page with window.postMessage, tagged.
ipcRenderer.on(AUDIO_CHANNELS.port, (event) => {
  if (event.ports.length === 1) window.postMessage(AUDIO_PORT_MESSAGE, '*', [...event.ports]);
});
const audioBridge: DesktopAudioBridge = {
  openAudio: () => unwrap<null>(ipcRenderer.invoke(AUDIO_CHANNELS.open)).then(() => undefined),
  getDevices: () => unwrap<AudioDevices>(ipcRenderer.invoke(AUDIO_CHANNELS.getDevices)),
  saveDevices: (devices) => unwrap<AudioDevices>(ipcRenderer.invoke(AUDIO_CHANNELS.saveDevices, devices)),
};
contextBridge.exposeInMainWorld('callhookAudio', audioBridge);
