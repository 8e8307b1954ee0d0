import { useState } from 'react';
import type { InboundCommand } from '@callhook/core';
import { CallAudioPanel } from '../../audio/ui/call-audio-panel.js';
import { errorMessage } from '../../client/client-error.js';
import type { EngineClient } from '../../client/engine-client.js';
import type { EngineState } from '../../state/engine-state.js';
import { ActiveCallRow } from './active-call-row.js';
import { CallHistory } from './call-history.js';
import { DialPad } from './dial-pad.js';
import { useNow } from './use-now.js';

/** Active calls with their controls, the dial pad, and the history of ended calls. */
export function CallsPage({ client, state }: { client: EngineClient; state: EngineState }) {
  const now = useNow(state.active.length > 0);
  const [message, setMessage] = useState<{ bad: boolean; text: string } | null>(null);
  const run = async (command: InboundCommand) => {
    try {
      await client.execute(command);
      setMessage({ bad: false, text: `${command.action.replace('_', ' ')}: done` });
    } catch (error) {
      setMessage({ bad: true, text: `${command.action.replace('_', ' ')} failed: ${errorMessage(error)}` });
    }
  };

  return (
    <div className="page" aria-labelledby="calls-title">
      <h1 id="calls-title">Calls</h1>
      <p role="status" aria-live="polite" className={message?.bad ? 'bad' : 'muted'}>
        {message?.text}
      </p>
      <div className="columns">
        <section aria-labelledby="active-title" className="grow">
          <h2 id="active-title">Active calls</h2>
          {state.active.length === 0 ? (
            <p className="muted">No active calls.</p>
          ) : (
            <table className="reflow">
              <thead>
                <tr>
                  <th scope="col">Direction</th>
                  <th scope="col">Remote party</th>
                  <th scope="col">State</th>
                  <th scope="col">Duration</th>
                  <th scope="col">Quality</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {state.active.map((call) => (
                  <ActiveCallRow key={call.guid} call={call} now={now} onCommand={run} />
                ))}
              </tbody>
            </table>
          )}
          <CallAudioPanel calls={state.active} />
        </section>
        <DialPad
          lines={state.lines.map((l) => l.id)}
          onDial={(target, line) => void run({ action: 'make_call', target, force: false, ...(line ? { line } : {}) })}
        />
      </div>
      <CallHistory
        calls={state.recent}
        now={now}
        onCallBack={(call) => void run({ action: 'make_call', target: call.remoteParty, force: false, line: call.lineId })}
      />
    </div>
  );
}
