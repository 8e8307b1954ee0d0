/** Replaces the value of every `token=` query parameter so tokens never reach a log line. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/gi, '$1[redacted]');
}

const SECRET_FIELDS = /^(token|authorization|secret|password|signingSecret)$/i;

/** A shallow copy of log fields with secrets masked and URLs redacted. */
export function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (SECRET_FIELDS.test(key)) out[key] = '[redacted]';
    else if (typeof value === 'string' && value.includes('token=')) out[key] = redactUrl(value);
    else out[key] = value;
  }
  return out;
}
