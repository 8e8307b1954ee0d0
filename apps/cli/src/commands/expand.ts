import { CallSnapshotSchema, compileTemplate, DEFAULT_MAX_VALUE_LENGTH, expansionContext, isAction, ACTIONS, type CallSnapshot } from '@callhook/core';
import { readFileSync } from 'node:fs';
import { CliError } from '../cli-error.js';
import type { Output } from '../output.js';

export interface ExpandOptions {
  template: string;
  call: string;
  action: string;
  at?: string;
  /** As a slot's `maxValueLength`; absent: the slot default. */
  maxValueLength?: number;
}

function readCall(file: string): CallSnapshot {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError('invalid_call', `--call ${file}: ${(error as Error).message}`);
  }
  const parsed = CallSnapshotSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
    throw new CliError('invalid_call', `--call ${file} is not a call snapshot:\n${issues}`);
  }
  return parsed.data;
}

/** `callhook expand`: the URL a slot template gives for one call event. */
export function expand(options: ExpandOptions, out: Output): void {
  if (!isAction(options.action)) throw new CliError('usage', `--action must be one of ${ACTIONS.join(', ')}; got "${options.action}"`);
  const call = readCall(options.call);
  const at = options.at === undefined ? (call.disconnectedAt ? Date.parse(call.disconnectedAt) : Date.now()) : Date.parse(options.at);
  if (Number.isNaN(at)) throw new CliError('usage', `--at must be an ISO-8601 time such as 2019-03-25T10:34:34Z; got "${options.at}"`);
  const template = compileTemplate(options.template);
  const url = template.expand(expansionContext({ action: options.action, call, at }), options.maxValueLength ?? DEFAULT_MAX_VALUE_LENGTH);
  out.result({ ok: true, url }, url);
}
