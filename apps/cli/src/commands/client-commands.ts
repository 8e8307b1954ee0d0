import type { CallSnapshot } from '@callhook/core';
import { CallRefBodySchema, CallReplySchema, IncomingBodySchema } from '@callhook/server/contract';
import { apiClient, callApi, checked, type ApiTarget } from '../api-client.js';
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

export async function simulate(
  target: ApiTarget,
  what: 'incoming' | 'answer' | 'hangup',
  body: Record<string, unknown>,
  out: Output,
): Promise<void> {
  const client = await apiClient(target);
  // The request is checked with the route's own body schema before it leaves.
  const reply =
    what === 'incoming'
      ? await client.simulateIncoming({ body: checked(IncomingBodySchema, body, 'usage', 'simulate incoming') })
      : await (what === 'answer' ? client.simulateAnswer : client.simulateHangup)({ body: checked(CallRefBodySchema, body, 'usage', `simulate ${what}`) });
  out.result(reply, `${what}: ${describeCall(reply.call, out)}`);
}
