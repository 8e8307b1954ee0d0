import { parseTarget } from '@callhook/core';

/** The link schemes the desktop app registers for click-to-dial. */
export const DIAL_SCHEMES = ['tel', 'sip', 'sips', 'callto'] as const;

const LINK = /^(tel|sips?|callto):/i;

function decode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/**
 * The dial target of a `tel:`, `sip:`, `sips:` or `callto:` link, as core's `parseTarget` accepts it;
 * null when the link is not one of those or names no valid target.
 * `tel:+49-30-1234;phone-context=…` → `+49301234`; `tel:+1-201-555-0123;ext=1234` → `+12015550123p1234`
 * (the extension as postdial DTMF); `sip:303@pbx?subject=x` → `sip:303@pbx`;
 * `callto://+4930123` → `+4930123`; `callto:alice@pbx` → `sip:alice@pbx`.
 */
export function dialTargetFromLink(link: string): string | null {
  const match = LINK.exec(link.trim());
  if (!match) return null;
  const scheme = match[1]!.toLowerCase();
  const rest = link.trim().slice(match[0].length);
  let candidate: string | null;
  if (scheme === 'tel') {
    // Whole, parameters included: core reads ;ext= and ;postd= as postdial DTMF (never dropped).
    candidate = decode(`tel:${rest}`);
  } else if (scheme === 'callto') {
    const body = decode(rest.replace(/^\/\//, '').replace(/\/$/, '').split(/[?;]/)[0] ?? '');
    candidate = body !== null && body.includes('@') ? `sip:${body}` : body;
  } else {
    const body = decode(rest.split('?')[0] ?? '');
    candidate = body === null ? null : `${scheme}:${body}`;
  }
  if (candidate === null) return null;
  try {
    return parseTarget(candidate, 'link');
  } catch {
    return null;
  }
}

/** The dial link in a command line (a link handed to a second launch), if any; the last one wins. */
export function linkFromArgv(argv: readonly string[]): string | null {
  for (let i = argv.length - 1; i >= 0; i--) {
    if (LINK.test(argv[i]!)) return argv[i]!;
  }
  return null;
}
