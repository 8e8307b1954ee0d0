import type { CallSnapshot, Engine, SimulatedLine } from '@callhook/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CallhookError } from '@callhook/core';
import { ServerError } from '../http/http-error.js';
import { parseRequest } from '../http/parse-request.js';

const IncomingBody = z.strictObject({
  from: z.string().min(1, 'from needs the caller number, e.g. "420"').max(256),
  name: z.string().max(256).nullable().optional(),
});
const CallBody = z.strictObject({ call: z.string().max(64).optional() }).default({});

/**
 * Drives the simulated line's remote side: `incoming` rings the phone, `answer` picks up (an inbound
 * call is answered locally; an outbound one by the simulated remote), `hangup` ends it from the remote.
 */
export function registerSimulatorRoutes(app: FastifyInstance, engine: Engine, line: SimulatedLine | null): void {
  const simulator = (): SimulatedLine => {
    if (line === null) throw new ServerError('not_simulated', 'the line is not the simulator (line.type); simulator endpoints are off');
    return line;
  };
  const pick = (guid: string | undefined, states: CallSnapshot['state'][]): CallSnapshot => {
    const active = engine.activeCalls();
    if (guid !== undefined) {
      const call = active.find((c) => c.guid === guid);
      if (!call) throw new CallhookError('no_such_call', `no active call ${guid}`, { call: guid });
      return call;
    }
    const fits = active.filter((c) => states.includes(c.state));
    if (fits.length === 1) return fits[0]!;
    if (fits.length === 0) throw new CallhookError('no_such_call', `no call is ${states.join(' or ')}`);
    throw new CallhookError('ambiguous_call', `${fits.length} calls are ${states.join(' or ')}; name one with "call"`);
  };
  const lineIdOf = (guid: string): string => engine.lineCallIdOf(guid) ?? guid;

  app.post('/api/v1/simulator/incoming', async (request) => {
    const body = parseRequest(IncomingBody, request.body);
    const lineCallId = simulator().incoming(body.from, body.name ?? null);
    return { ok: true, call: engine.callOnLine(lineCallId) ?? null };
  });

  app.post('/api/v1/simulator/answer', async (request) => {
    const { call } = parseRequest(CallBody, request.body);
    const target = pick(call, ['ringing']);
    if (target.direction === 'inbound') await engine.execute({ action: 'answer', call: target.guid });
    else simulator().remoteAnswer(lineIdOf(target.guid));
    return { ok: true, call: engine.call(target.guid) ?? null };
  });

  app.post('/api/v1/simulator/hangup', async (request) => {
    const { call } = parseRequest(CallBody, request.body);
    const target = pick(call, ['dialing', 'ringing', 'connected', 'held']);
    simulator().remoteHangup(lineIdOf(target.guid));
    return { ok: true, call: engine.call(target.guid) ?? null };
  });
}
