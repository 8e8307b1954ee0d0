import type { CallSnapshot } from '@callhook/core';
import { CallRefBodySchema, CallReplySchema, ConsoleCommandSchema, IncomingBodySchema } from '@callhook/server/contract';
import { apiClient, callApi, checked, type ApiTarget } from '../api-client.js';
import { CliError } from '../cli-error.js';
import type { Output } from '../output.js';

export function describeCall(call: CallSnapshot | null, out: Output): string {
  if (!call) return '(no call)';
  const arrow = call.direction === 'inbound' ? '←' : '→';
  const state = call.state === 'ended' ? `ended (${call.disposition ?? 'unknown'})` : call.state;
  return `${out.paint('dim', call.guid)} ${arrow} ${call.remoteAlias} ${out.paint('cyan', state)}`;
}

export async function dial(target: ApiTarget, number: string, options: { force?: boolean }, out: Output): Promise<void> {
  // Not URLSearchParams: it writes spaces as +, and the listener reads + as a plus sign (RFC 3986).
  const query = `action=make_call&target=${encodeURIComponent(number)}${options.force ? '&force=1' : ''}`;
  // An inbound Action URL, not a contract route; its answer is the contract's CallReply all the same.
  const reply = checked(CallReplySchema, await (await callApi(target, `/?${query}`)).json(), 'unexpected_response', 'GET /?action=make_call');
  out.result(reply, `dialling ${number}: ${describeCall(reply.call, out)}`);
}

export async function listCalls(target: ApiTarget, options: { limit: number }, out: Output): Promise<void> {
  const reply = await (await apiClient(target)).listCalls({ query: { limit: options.limit } });
  const lines = [out.paint('bold', `active (${reply.active.length})`), ...reply.active.map((c) => `  ${describeCall(c, out)}`)];
  lines.push(out.paint('bold', `recent (${reply.recent.length})`), ...reply.recent.map((c) => `  ${describeCall(c, out)} ${c.createdAt}`));
  out.result(reply, lines.join('\n'));
}

export async function simulate(target: ApiTarget, what: 'incoming' | 'answer' | 'hangup', body: Record<string, unknown>, out: Output): Promise<void> {
  const client = await apiClient(target);
  // The request is checked with the route's own body schema before it leaves.
  const reply =
    what === 'incoming'
      ? await client.simulateIncoming({ body: checked(IncomingBodySchema, body, 'usage', 'simulate incoming') })
      : await (what === 'answer' ? client.simulateAnswer : client.simulateHangup)({ body: checked(CallRefBodySchema, body, 'usage', `simulate ${what}`) });
  out.result(reply, `${what}: ${describeCall(reply.call, out)}`);
}

/** The console's call controls (`POST /api/v1/commands`): what `answer`, `hangup`, `hold`, `unhold`, `transfer` and `dtmf` send. */
export type CallCommand = { action: 'answer' | 'hangup' | 'hold' | 'unhold' } | { action: 'transfer'; target: string } | { action: 'dtmf'; digits: string };

/**
 * Sends one call control as the console does; `--call` and `--line` pick the call when several fit
 * (the server's rules: without them the one call there is, else ambiguous_call, exit 6).
 */
export async function callCommand(target: ApiTarget, command: CallCommand, options: { call?: string; line?: string }, out: Output): Promise<void> {
  const body = { ...command, ...(options.call ? { call: options.call } : {}), ...(options.line ? { line: options.line } : {}) };
  // Checked with the route's own body schema before it leaves (bad digits: a usage error, exit 2).
  const reply = await (await apiClient(target)).execute({ body: checked(ConsoleCommandSchema, body, 'usage', command.action) });
  out.result(reply, `${command.action}: ${describeCall(reply.call, out)}`);
}

/** Outcomes of an attempt that went out (core's DeliveryOutcome); the others failed. */
const SUCCEEDED = new Set(['delivered', 'opened']);

/**
 * `callhook deliveries`: the delivery log, newest first. `--failed` keeps the attempts that did not
 * succeed (outcome other than "delivered" or "opened"); `--call` one call's.
 */
export async function listDeliveries(target: ApiTarget, options: { limit: number; call?: string; failed?: boolean }, out: Output): Promise<void> {
  const reply = await (await apiClient(target)).listDeliveries({ query: { limit: options.limit, ...(options.call ? { call: options.call } : {}) } });
  const deliveries = options.failed ? reply.deliveries.filter((d) => !SUCCEEDED.has(d.outcome)) : reply.deliveries;
  const lines = deliveries.map((d) => {
    const outcome = out.paint(SUCCEEDED.has(d.outcome) ? 'green' : 'red', d.outcome);
    const detail = d.status !== null ? `HTTP ${d.status}` : (d.error ?? '');
    return `${new Date(d.at).toISOString()} ${out.paint('dim', d.deliveryId)} ${d.action} slot ${d.slot + 1} try ${d.attempt} ${outcome} ${detail} ${d.latencyMs} ms ${d.url}`;
  });
  out.result({ ...reply, deliveries }, lines.length > 0 ? lines.join('\n') : '(no deliveries)');
}

/** `callhook replay ID`: sends a logged delivery again (GET slots; the log keeps the URL, not a POST body). */
export async function replay(target: ApiTarget, deliveryId: string, out: Output): Promise<void> {
  const reply = await (await apiClient(target)).replayDelivery({ params: { id: deliveryId } });
  const r = reply.record;
  out.result(reply, `replayed ${deliveryId}: ${r.outcome}${r.status !== null ? ` (HTTP ${r.status})` : r.error ? ` (${r.error})` : ''} ${r.url}`);
  // The record above is the result; the exit code says whether it went through, so a script
  // (`… | xargs -n1 callhook replay`) sees a failed replay.
  if (!SUCCEEDED.has(r.outcome)) {
    throw new CliError(
      'delivery_failed',
      `the receiver did not take the replayed delivery (${r.outcome}); it is in the delivery log: callhook deliveries --failed`,
    );
  }
}
