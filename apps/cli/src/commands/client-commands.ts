import type { CallSnapshot } from '@callhook/core';
import { callJson, type ApiTarget } from '../api-client.js';
import type { Output } from '../output.js';

interface CallReply {
  ok: true;
  call: CallSnapshot | null;
}

export function describeCall(call: CallSnapshot | null, out: Output): string {
  if (!call) return '(no call)';
  const arrow = call.direction === 'inbound' ? '←' : '→';
  const state = call.state === 'ended' ? `ended (${call.disposition ?? 'unknown'})` : call.state;
  return `${out.paint('dim', call.guid)} ${arrow} ${call.remoteAlias} ${out.paint('cyan', state)}`;
}

export async function dial(target: ApiTarget, number: string, options: { force?: boolean }, out: Output): Promise<void> {
  // Not URLSearchParams: it writes spaces as +, and the listener reads + as a plus sign (RFC 3986).
  const query = `action=make_call&target=${encodeURIComponent(number)}${options.force ? '&force=1' : ''}`;
  const reply = await callJson<CallReply>(target, `/?${query}`);
  out.result(reply, `dialling ${number}: ${describeCall(reply.call, out)}`);
}

export async function listCalls(target: ApiTarget, options: { limit: number }, out: Output): Promise<void> {
  const reply = await callJson<{ ok: true; active: CallSnapshot[]; recent: CallSnapshot[] }>(target, `/api/v1/calls?limit=${options.limit}`);
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
  const reply = await callJson<CallReply>(target, `/api/v1/simulator/${what}`, { method: 'POST', body });
  out.result(reply, `${what}: ${describeCall(reply.call, out)}`);
}
