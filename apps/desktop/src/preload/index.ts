import type { EngineEvent } from '@callhook/core';
import { IPC_CHANNELS, type CallhookBridge } from '@callhook/ui/bridge';
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
