import { App, createIpcClient, DesktopAudioProvider, type CallhookBridge, type DesktopAudioBridge } from '@callhook/ui';
import '@callhook/ui/styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

declare global {
  interface Window {
    callhook: CallhookBridge;
    callhookAudio: DesktopAudioBridge;
  }
}

// The renderer is the console itself; the preload bridge stands in for the HTTP control API, and its
// audio bridge gives the console a microphone and speaker for calls.
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <DesktopAudioProvider bridge={window.callhookAudio}>
      <App client={createIpcClient(window.callhook)} />
    </DesktopAudioProvider>
  </StrictMode>,
);
