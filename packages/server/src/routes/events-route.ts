import type { Clock, Engine, EngineEvent, TimerHandle } from '@callhook/core';
import type { FastifyInstance } from 'fastify';
import { sendError } from '../http/error-handler.js';
import { ServerError } from '../http/http-error.js';
import type { EventStreams } from './event-streams.js';

const HEARTBEAT_MS = 15_000;

function frame(event: EngineEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * `GET /api/v1/events`: the engine's events (call, quality — a live call's media figures —, delivery, line) as Server-Sent Events. The first
 * events are the current status of each line. Streams end when the server closes; a reader that falls more than
 * `streams.maxBufferedBytes` behind is closed; past `streams.maxSubscribers` open streams the next is
 * refused with 503 `too_many_subscribers`.
 */
export function registerEventsRoute(app: FastifyInstance, engine: Engine, streams: EventStreams, clock: Clock): void {
  app.get('/api/v1/events', (request, reply) => {
    if (!streams.admit()) {
      return sendError(
        reply,
        new ServerError('too_many_subscribers', `${streams.maxSubscribers} event streams are open already; close one and retry`, { 'retry-after': '5' }),
      );
    }
    const cors = reply.getHeaders() as Record<string, string>;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...cors,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    streams.add(res);
    for (const { id, status } of engine.lines.reports()) streams.write(res, frame({ type: 'line', lineId: id, status }));
    const off = engine.on((event) => {
      if (!streams.write(res, frame(event))) cleanup();
    });
    // A comment line every HEARTBEAT_MS keeps proxies from closing an idle stream.
    let heartbeat: TimerHandle | null = null;
    const beat = (): void => {
      heartbeat = clock.setTimeout(() => {
        if (streams.write(res, ': keep-alive\n\n')) beat();
        else cleanup();
      }, HEARTBEAT_MS);
    };
    beat();
    function cleanup() {
      off();
      if (heartbeat !== null) clock.clearTimeout(heartbeat);
      heartbeat = null;
      streams.remove(res);
    }
    request.raw.on('close', cleanup);
    res.on('close', cleanup);
  });

  app.addHook('onClose', async () => {
    streams.endAll();
  });
}
