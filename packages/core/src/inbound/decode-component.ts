/** Every `%` starts a two-digit hex escape. */
const WELL_FORMED_ESCAPES = /^(?:[^%]|%[0-9A-Fa-f]{2})*$/;

/**
 * decodeURIComponent for text from the network: null instead of a throw for a malformed escape, and
 * no stack captured on the way (requests that carry bad escapes come in floods). `+` stays a plus.
 */
export function decodeComponent(text: string): string | null {
  if (!text.includes('%')) return text;
  if (!WELL_FORMED_ESCAPES.test(text)) return null;
  // Escapes that are not UTF-8 still make decodeURIComponent throw; its URIError would capture a stack.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  } finally {
    Error.stackTraceLimit = limit;
  }
}
