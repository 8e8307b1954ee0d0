import type { Engine, EngineEvent } from '@callhook/core';
import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';

const HEARTBEAT_MS = 15_000;

function frame(event: EngineEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * `GET /api/v1/events`: the engine's events (call, delivery, line) as Server-Sent Events. The first
 * event is the current line status. Streams end when the server closes.
 */
export function registerEventsRoute(app: FastifyInstance, engine: Engine): void {
  const open = new Set<ServerResponse>();

  app.get('/api/v1/events', (request, reply) => {
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
    res.write(frame({ type: 'line', status: engine.line.status() }));
    const off = engine.on((event) => res.write(frame(event)));
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    open.add(res);
    const cleanup = () => {
      off();
      clearInterval(heartbeat);
      open.delete(res);
    };
    request.raw.on('close', cleanup);
    res.on('close', cleanup);
  });

  app.addHook('onClose', async () => {
    for (const res of open) res.end();
  });
}
