import { useEffect, useState } from 'react';
import { RingWhile } from '../audio/ui/desktop-audio-context.js';
import type { EngineClient } from '../client/engine-client.js';
import { ActionUrlsPage } from '../pages/action-urls/action-urls-page.js';
import { CallsPage } from '../pages/calls/calls-page.js';
import { DeliveriesPage } from '../pages/deliveries/deliveries-page.js';
import { InboundPage } from '../pages/inbound/inbound-page.js';
import { LinesPage } from '../pages/lines/lines-page.js';
import { DashboardPage } from '../pages/dashboard/dashboard-page.js';
import { useNow } from '../pages/calls/use-now.js';
import { useEngineState } from '../state/use-engine-state.js';
import { LineStatusBadge } from './line-status.js';
import { PAGES, pageFromHash, type PageId } from './pages.js';
import { SignIn } from './sign-in.js';
import { confirmLeave } from '../state/unsaved-guard.js';

export interface AppProps {
  client: EngineClient;
  /** Where a token typed into the sign-in field goes (the HTTP console); without it a 401 shows as an error. */
  onSignIn?: (token: string) => void;
}

/** The console: navigation, the line status, and the page named by the location hash (or the sign-in field after a 401). */
export function App({ client, onSignIn }: AppProps) {
  const state = useEngineState(client);
  const [page, setPage] = useState<PageId>(() => pageFromHash(window.location.hash));
  useEffect(() => {
    let shown = window.location.hash;
    const onHash = () => {
      // Edits not applied are never lost silently: switching pages asks first, and staying puts the hash back.
      if (!confirmLeave()) {
        window.history.replaceState(null, '', shown || '#');
        return;
      }
      shown = window.location.hash;
      setPage(pageFromHash(window.location.hash));
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const ringing = state.active.filter((c) => c.state === 'ringing' && c.direction === 'inbound').length;

  return (
    <div className="app">
      <RingWhile ringing={ringing > 0} />
      {/* The hash names the page, so the skip link moves focus itself instead of navigating. */}
      <a
        className="skip-link"
        href="#main"
        onClick={(event) => {
          event.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header>
        <span className="brand">callhook</span>
        <nav aria-label="Pages">
          <ul>
            {PAGES.map((entry) => (
              <li key={entry.id}>
                <a href={`#${entry.id}`} aria-current={page === entry.id ? 'page' : undefined}>
                  {entry.label}
                  {entry.id === 'calls' && ringing > 0 && <span className="badge"> {ringing} ringing</span>}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {!state.signIn && <LineStatusBadge line={state.line} lines={state.lines} connection={state.connection} />}
      </header>
      <main id="main" tabIndex={-1}>
        {state.signIn && onSignIn ? <SignIn reason={state.signIn} onSignIn={onSignIn} /> : <PageView page={page} client={client} state={state} />}
      </main>
    </div>
  );
}

/** The page named by the hash. */
function PageView({ page, client, state }: { page: PageId; client: EngineClient; state: ReturnType<typeof useEngineState> }) {
  const now = useNow(page === 'dashboard');
  return (
    <>
      {page === 'action-urls' && <ActionUrlsPage client={client} />}
      {page === 'inbound' && <InboundPage client={client} />}
      {page === 'lines' && <LinesPage client={client} live={state.lines} />}
      {page === 'calls' && <CallsPage client={client} state={state} />}
      {page === 'deliveries' && <DeliveriesPage client={client} deliveries={state.deliveries} />}
      {page === 'dashboard' && <DashboardPage client={client} state={state} now={Math.floor(now / 60_000) * 60_000} />}
    </>
  );
}
