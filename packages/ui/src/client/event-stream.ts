import type { EngineEvent } from '@callhook/core';
import type { ConnectionState } from './engine-client.js';

const EVENT_TYPES = ['call', 'delivery', 'line'] as const;

export type EventSourceFactory = (url: string) => EventSource;

/**
 * Subscribes to the control API's Server-Sent Events. EventSource reconnects by itself; the
 * connection state is reported so the console can say when it is offline.
 */
export function subscribeEvents(
  url: string,
  listener: (event: EngineEvent) => void,
  onConnection: (state: ConnectionState) => void = () => undefined,
  create: EventSourceFactory = (target) => new EventSource(target),
): () => void {
  const source = create(url);
  onConnection('connecting');
  const onMessage = (message: MessageEvent<string>) => {
    try {
      listener(JSON.parse(message.data) as EngineEvent);
    } catch {
      // A frame that is not JSON is not an engine event; the stream goes on.
    }
  };
  for (const type of EVENT_TYPES) source.addEventListener(type, onMessage as EventListener);
  source.onopen = () => onConnection('open');
  source.onerror = () => onConnection(source.readyState === 2 ? 'closed' : 'connecting');
  return () => {
    for (const type of EVENT_TYPES) source.removeEventListener(type, onMessage as EventListener);
    source.close();
    onConnection('closed');
  };
}
