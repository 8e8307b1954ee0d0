/** RFC 3986 unreserved characters plus the sub-delims encodeURIComponent also leaves alone. */
const SAFE = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~!'()*") SAFE[c.charCodeAt(0)] = 1;

/**
 * Percent-encodes a value so that it stays one opaque piece of whatever URL component it lands in:
 * `/`, `?`, `#`, `&`, `=`, `+`, `%` and space are all escaped, so the value can neither add a path
 * segment nor a query parameter nor start a fragment. Lone surrogates (not representable in UTF-8)
 * become U+FFFD. Values that need no escaping are returned as they are, without allocating.
 */
export function encodeComponent(value: string): string {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128 || SAFE[c] === 0) return encodeAll(value);
  }
  return value;
}

function encodeAll(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    // Only a lone surrogate makes encodeURIComponent throw; copying the string is paid only then.
    return encodeURIComponent(value.toWellFormed());
  }
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const utf8 = new TextEncoder();

/** Standard base64 (RFC 4648, with padding) of the UTF-8 bytes of `value`. */
export function base64Utf8(value: string): string {
  const bytes = utf8.encode(value.toWellFormed());
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const left = bytes.length - i;
  if (left === 1) {
    const n = bytes[i]! << 16;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + '==';
  } else if (left === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + '=';
  }
  return out;
}
