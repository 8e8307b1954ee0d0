import { App, createIpcClient, type CallhookBridge } from '@callhook/ui';
import '@callhook/ui/styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

declare global {
  interface Window {
    callhook: CallhookBridge;
  }
}

// The renderer is the console itself; the preload bridge stands in for the HTTP control API.
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App client={createIpcClient(window.callhook)} />
  </StrictMode>,
);
