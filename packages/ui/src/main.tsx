import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app.js';
import { createHttpClient } from './client/http-client.js';
import { consoleToken } from './console-token.js';
import './styles.css';

// The console served by the listener itself: the control API is on the same origin.
const client = createHttpClient({ token: consoleToken(window.location, window.sessionStorage, window.history) });
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App client={client} />
  </StrictMode>,
);
