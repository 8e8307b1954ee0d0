import {
  CallSnapshotSchema,
  compileTemplate,
  SPEC_EXAMPLE_CALL,
  DEFAULT_MAX_VALUE_LENGTH,
  expansionContext,
  isAction,
  ACTIONS,
  type CallSnapshot,
} from '@callhook/core';
import { readFileSync } from 'node:fs';
import { CliError } from '../cli-error.js';
import type { Output } from '../output.js';

export interface ExpandOptions {
  template: string;
  /** A call file; absent with `sample`. */
  call?: string;
  /** Which call of a file holding several. */
  guid?: string;
  /** Expand against the manual's example call instead of a file. */
  sample?: boolean;
  action: string;
  at?: string;
  /** As a slot's `maxValueLength`; absent: the slot default. */
  maxValueLength?: number;
}

/** State names a user writes from the manual, mapped to the snapshot's. */
const STATE_ALIASES: Record<string, string> = {
  disconnected: 'ended',
  hung_up: 'ended',
  on_hold: 'held',
  hold: 'held',
  incoming: 'ringing',
  outgoing: 'dialing',
};

/**
 * The calls a `--call` file holds: one snapshot, `{ call }` (a command's answer), `{ active, recent }`
 * (`callhook calls --json`, `GET /api/v1/calls`) or an array of snapshots.
 */
function callsIn(json: unknown): unknown[] {
  if (Array.isArray(json)) return json;
  if (json !== null && typeof json === 'object') {
    const o = json as Record<string, unknown>;
    if ('guid' in o) return [o];
    if (o.call && typeof o.call === 'object') return [o.call];
    if (Array.isArray(o.active) || Array.isArray(o.recent)) return [...((o.active as unknown[]) ?? []), ...((o.recent as unknown[]) ?? [])];
  }
  return [json];
}

function readCall(file: string, guid: string | undefined): CallSnapshot {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    const reason = missing ? 'no such file; save a call with: callhook calls --json > call.json, or use --sample' : (error as Error).message;
    throw new CliError('invalid_call', `cannot read --call ${file}: ${reason}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError('invalid_call', `--call ${file} is not JSON (${(error as Error).message}); save a call with: callhook calls --json > call.json`);
  }
  let calls = callsIn(json);
  const guidOf = (c: unknown) => (c !== null && typeof c === 'object' ? (c as { guid?: unknown }).guid : undefined);
  if (guid !== undefined) {
    calls = calls.filter((c) => guidOf(c) === guid);
    if (calls.length === 0) throw new CliError('invalid_call', `--call ${file} has no call ${guid}`);
  }
  if (calls.length === 0) throw new CliError('invalid_call', `--call ${file} holds no call; make one (callhook simulate incoming) or use --sample`);
  if (calls.length > 1) {
    throw new CliError(
      'invalid_call',
      `--call ${file} holds ${calls.length} calls; pick one with --guid (${calls.map(guidOf).slice(0, 5).join(', ')}${calls.length > 5 ? ', …' : ''})`,
    );
  }
  let call = calls[0];
  if (call !== null && typeof call === 'object') {
    const state = (call as { state?: unknown }).state;
    if (typeof state === 'string' && state in STATE_ALIASES) call = { ...call, state: STATE_ALIASES[state] };
  }
  const parsed = CallSnapshotSchema.safeParse(call);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
    throw new CliError('invalid_call', `--call ${file} is not a call snapshot (as callhook calls --json or GET /api/v1/calls give):\n${issues}`);
  }
  return parsed.data;
}

/** `callhook expand`: the URL a slot template gives for one call event. */
export function expand(options: ExpandOptions, out: Output): void {
  if (!isAction(options.action)) throw new CliError('usage', `--action must be one of ${ACTIONS.join(', ')}; got "${options.action}"`);
  if (options.sample && options.call) throw new CliError('usage', 'pass either --call FILE or --sample, not both');
  if (!options.sample && !options.call)
    throw new CliError('usage', "pass --call FILE (a call as callhook calls --json gives) or --sample (the manual's example call)");
  const call = options.sample ? SPEC_EXAMPLE_CALL : readCall(options.call!, options.guid);
  const at = options.at === undefined ? (call.disconnectedAt ? Date.parse(call.disconnectedAt) : Date.now()) : Date.parse(options.at);
  if (Number.isNaN(at)) throw new CliError('usage', `--at must be an ISO-8601 time such as 2019-03-25T10:34:34Z; got "${options.at}"`);
  const template = compileTemplate(options.template);
  const url = template.expand(expansionContext({ action: options.action, call, at }), options.maxValueLength ?? DEFAULT_MAX_VALUE_LENGTH);
  out.result({ ok: true, url }, url);
}
