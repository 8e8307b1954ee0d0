import { decodeComponent, maskCredentials } from '@callhook/core';

/**
 * One query parameter: `?` or `&`, its name, `=`, and its value. The value ends where a query value
 * ends — at `&`, `#`, whitespace or the end of the text — so in a log line such as
 * `GET /?action=hangup&token=… 403 peer=127.0.0.1` whatever follows the URL (the status) stays.
 */
const PARAMETER = /([?&])([^&#=\s]*)=([^&#\s]*)/g;

/**
 * Replaces the value of every `token` query parameter in a URL or a log line — any case, and also when
 * the name is percent-encoded (`%74oken`) — so tokens never reach a log line or a record.
 */
export function redactUrl(url: string): string {
  if (!url.includes('=')) return url;
  return url.replace(PARAMETER, (whole, sep: string, name: string) => {
    const plain = name.includes('%') ? decodeComponent(name) : name;
    return plain !== null && plain.toLowerCase() === 'token' ? `${sep}${name}=[redacted]` : whole;
  });
}

/**
 * A parsed query (`request.query`) with the value of every `token` parameter (any case, after
 * percent-decoding of the name) replaced, so a record of the query never keeps the token.
 */
export function redactQuery(query: unknown): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (query === null || typeof query !== 'object') return out;
  for (const [key, value] of Object.entries(query as Record<string, unknown>)) {
    const text = Array.isArray(value) ? value.map(String) : String(value);
    out[key] = key.toLowerCase() === 'token' ? (Array.isArray(text) ? text.map(() => '[redacted]') : '[redacted]') : text;
  }
  return out;
}

const SECRET_FIELDS = /^(token|authorization|secret|password|signingSecret)$/i;

/**
 * A log line or message with every `token=` value redacted (`redactUrl`) and every other credential
 * it quotes masked (core's `maskCredentials`: URL userinfo passwords, `Bearer`/`Basic`/`Digest` values).
 */
export function redactText(text: string): string {
  return maskCredentials(redactUrl(text));
}

/** A shallow copy of log fields with secrets masked and URLs and messages redacted (`redactText`). */
export function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (SECRET_FIELDS.test(key)) out[key] = '[redacted]';
    else if (typeof value === 'string') out[key] = redactText(value);
    else out[key] = value;
  }
  return out;
}
