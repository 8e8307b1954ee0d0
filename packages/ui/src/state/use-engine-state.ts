import { useEffect, useReducer } from 'react';
import type { EngineClient } from '../client/engine-client.js';
import { ClientError, errorMessage } from '../client/client-error.js';
import { engineReducer, initialEngineState, type EngineState } from './engine-state.js';

/** Live engine state: an initial load, then the event stream keeps it current. */
export function useEngineState(client: EngineClient): EngineState {
  const [state, dispatch] = useReducer(engineReducer, initialEngineState);
  useEffect(() => {
    let live = true;
    const off = client.subscribe(
      (event) => dispatch({ type: 'event', event }),
      (connection) => live && dispatch({ type: 'connection', state: connection }),
    );
    const failed = (error: unknown) => {
      if (!live) return;
      // A 401 is not an unreachable engine: the console asks for the token instead.
      if (error instanceof ClientError && error.status === 401) dispatch({ type: 'unauthorized', hadToken: client.signedInToken() !== null });
      else dispatch({ type: 'line', status: { state: 'failed', detail: errorMessage(error) } });
    };
    client.getCalls().then((calls) => live && dispatch({ type: 'loaded-calls', calls }), failed);
    client.getDeliveries().then((deliveries) => live && dispatch({ type: 'loaded-deliveries', deliveries }), failed);
    client.getLines?.().then(
      (lines) => live && dispatch({ type: 'loaded-lines', lines: lines.map(({ id, status }) => ({ id, status })) }),
      () => undefined,
    );
    client.getLineStatus().then(
      (status) => live && dispatch({ type: 'line', status }),
      () => undefined,
    );
    return () => {
      live = false;
      off();
    };
  }, [client]);
  return state;
}
