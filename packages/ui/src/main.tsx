import { StrictMode, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app.js';
import { createHttpClient } from './client/http-client.js';
import { consoleToken, rememberToken } from './console-token.js';
import './styles.css';

/** The console served by the listener itself (the control API is on the same origin), signed in with its token. */
function Console() {
  const [token, setToken] = useState(() => consoleToken(window.location, window.sessionStorage, window.history));
  const client = useMemo(() => createHttpClient({ token }), [token]);
  const signIn = (next: string) => {
    rememberToken(window.sessionStorage, next);
    setToken(next);
  };
  // A new client starts a fresh engine state (the key), so a refused token's 401 does not linger.
  return <App key={token ?? ''} client={client} onSignIn={signIn} />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Console />
  </StrictMode>,
);
