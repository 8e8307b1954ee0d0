import { CallhookError, type CallSnapshot, type Engine, type LineRoutesContext, type SimulatedLine } from '@callhook/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { API } from '../contract/routes.js';
import { contractSchema } from '../http/contract-route.js';
import { ServerError } from '../http/http-error.js';

/**
 * The simulator plugin's routes; they drive the remote side of the simulator lines: `incoming` rings
 * the phone, `answer` picks up (an inbound call is answered locally; an outbound one by the simulated
 * remote), `hangup` ends it from the remote. `line` names a simulator line; without it the call's own
 * line, or the only simulator line. No simulator line running: 409 `not_simulated`.
 */
export function registerSimulatorRoutes(app: FastifyInstance, context: LineRoutesContext): void {
  const engine = context.engine as Engine;
  const simulators = () => context.lines().map(({ id, line }) => ({ id, line: line as SimulatedLine }));
  const simulator = (id: string | undefined): { id: string; line: SimulatedLine } => {
    const all = simulators();
    if (all.length === 0) throw new ServerError('not_simulated', 'no line is the simulator (lines[].type); simulator endpoints are off');
    if (id !== undefined) {
      const named = all.find((s) => s.id === id);
      if (!named) throw new CallhookError('no_such_line', `no simulator line "${id}"; simulator lines: ${all.map((s) => s.id).join(', ')}`, { line: id });
      return named;
    }
    if (all.length > 1)
      throw new CallhookError('ambiguous_call', `${all.length} simulator lines; name one with "line" (${all.map((s) => s.id).join(', ')})`, {
        lines: all.map((s) => s.id),
      });
    return all[0]!;
  };
  const pick = (guid: string | undefined, line: string | undefined, states: CallSnapshot['state'][]): CallSnapshot => {
    const ids = new Set(simulators().map((s) => s.id));
    if (ids.size === 0) simulator(undefined);
    const active = engine.activeCalls().filter((c) => ids.has(c.lineId) && (line === undefined || c.lineId === line));
    if (guid !== undefined) {
      const call = active.find((c) => c.guid === guid);
      if (!call) throw new CallhookError('no_such_call', `no active call ${guid}`, { call: guid });
      return call;
    }
    const fits = active.filter((c) => states.includes(c.state));
    if (fits.length === 1) return fits[0]!;
    if (fits.length === 0) throw new CallhookError('no_such_call', `no call is ${states.join(' or ')}`);
    throw new CallhookError('ambiguous_call', `${fits.length} calls are ${states.join(' or ')}; name one with "call"`, {
      candidates: fits.map((c) => ({ call: c.guid, line: c.lineId })),
    });
  };
  const lineCallOf = (call: CallSnapshot): { line: SimulatedLine; lineCallId: string } => ({
    line: simulator(call.lineId).line,
    lineCallId: engine.lineCallIdOf(call.guid) ?? call.guid,
  });

  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post(API.simulateIncoming.path, { schema: contractSchema(API.simulateIncoming) }, async (request) => {
    const body = request.body;
    const { id, line } = simulator(body.line);
    const lineCallId = line.incoming(body.from, body.name ?? null);
    return { ok: true as const, call: engine.callOnLine(lineCallId, id) ?? null };
  });

  api.post(API.simulateAnswer.path, { schema: contractSchema(API.simulateAnswer) }, async (request) => {
    const { call, line } = request.body;
    const target = pick(call, line, ['ringing']);
    if (target.direction === 'inbound') await engine.execute({ action: 'answer', call: target.guid });
    else {
      const { line: sim, lineCallId } = lineCallOf(target);
      sim.remoteAnswer(lineCallId);
    }
    return { ok: true as const, call: engine.call(target.guid) ?? null };
  });

  api.post(API.simulateHangup.path, { schema: contractSchema(API.simulateHangup) }, async (request) => {
    const { call, line } = request.body;
    const target = pick(call, line, ['dialing', 'ringing', 'connected', 'held']);
    const { line: sim, lineCallId } = lineCallOf(target);
    sim.remoteHangup(lineCallId);
    return { ok: true as const, call: engine.call(target.guid) ?? null };
  });
}
