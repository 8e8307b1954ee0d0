import { MAX_REQUEST_TARGET, Refusal } from '@callhook/core';

/** The longest command payload taken, in bytes (as long as the HTTP listener's request target). */
export const MAX_COMMAND_BYTES = MAX_REQUEST_TARGET;

/** A command payload read into the query string core's inbound parser takes, and the caller's `id` to echo. */
export interface CommandQuery {
  query: string;
  /** `id` from a JSON payload: echoed in the result, for clients without MQTT 5 correlation data. */
  id: string | null;
}

/**
 * Reads an MQTT command payload: a JSON object (`{"action": "make_call", "target": "+4930123"}`;
 * values are strings, numbers or booleans, `true`/`false` becoming `1`/`0`) or the query-string form
 * of an inbound Action URL (`action=make_call&target=%2B4930123`, with or without a leading `?`).
 * Returns the query string for `readInboundRequest`, or a refusal saying what is wrong.
 */
export function commandQuery(payload: Buffer): CommandQuery | Refusal {
  if (payload.length > MAX_COMMAND_BYTES) return bad(`the command is longer than ${MAX_COMMAND_BYTES} bytes`);
  const text = payload.toString('utf8').trim();
  if (text === '') return bad('the command is empty; send {"action": "make_call", "target": "123"} or action=make_call&target=123');
  if (!text.startsWith('{') && !text.startsWith('[')) return { query: text.startsWith('?') ? text.slice(1) : text, id: null };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return bad(`the command is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('a JSON command is an object such as {"action": "hangup"}');
  const pairs: string[] = [];
  let id: string | null = null;
  for (const [name, field] of Object.entries(value as Record<string, unknown>)) {
    if (name === 'id') {
      if (typeof field !== 'string' || field.length > 128) return bad('"id" is a string of at most 128 characters, echoed in the result');
      id = field;
      continue;
    }
    const text = typeof field === 'boolean' ? (field ? '1' : '0') : typeof field === 'string' || typeof field === 'number' ? String(field) : null;
    if (text === null) return bad(`"${name}" must be a string, number or boolean`, name);
    pairs.push(`${encodeURIComponent(name)}=${encodeURIComponent(text)}`);
  }
  return { query: pairs.join('&'), id };
}

function bad(message: string, field?: string): Refusal {
  return new Refusal('bad_request', message, field ? { field } : undefined);
}
