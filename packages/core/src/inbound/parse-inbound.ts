import { CallhookError } from '../errors.js';
import { INBOUND_ACTIONS, type InboundAction } from '../settings/settings-schema.js';
import type { InboundCommand } from './inbound-command.js';
import { parseTarget } from './target.js';

export const MAX_REQUEST_TARGET = 4096;

/** Parameters every action accepts: the token is checked by the listener's security gate. */
const COMMON = ['action', 'token'];
const PARAMS: Record<InboundAction, string[]> = {
  make_call: ['target', 'force'],
  answer: ['call'],
  hangup: ['call'],
  hold: ['call'],
  unhold: ['call'],
  transfer: ['call', 'target'],
  dtmf: ['call', 'digits'],
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DTMF = /^[0-9*#A-Da-d]{1,32}$/;

/**
 * Parses an inbound Action URL request target into a command.
 * Accepted forms: `/?action=make_call&target=123`, the spec's `<IP>?action=…` (with or without
 * scheme and port), and the click-to-dial forms CRMs send to desk phones: Snom
 * `/command.htm?number=123` and Yealink `/servlet?key=number=123`.
 */
export function parseInboundRequest(requestTarget: string): InboundCommand {
  if (requestTarget.length > MAX_REQUEST_TARGET) {
    throw badRequest(`request is longer than ${MAX_REQUEST_TARGET} characters`);
  }
  const q = requestTarget.indexOf('?');
  const path = stripOrigin(q === -1 ? requestTarget : requestTarget.slice(0, q));
  const query = q === -1 ? '' : requestTarget.slice(q + 1);
  const params = parseQuery(query);

  if (path.toLowerCase() === '/command.htm' && params.has('number')) {
    return { action: 'make_call', target: parseTarget(params.get('number')!, 'number'), force: false };
  }
  if (path.toLowerCase() === '/servlet' && params.get('key')?.startsWith('number=')) {
    return { action: 'make_call', target: parseTarget(params.get('key')!.slice('number='.length), 'number'), force: false };
  }
  if (path !== '/' && path !== '') {
    throw badRequest(`unknown path "${path}"; send GET /?action=<name>&… (e.g. /?action=make_call&target=123)`);
  }
  const action = params.get('action');
  if (action === undefined) {
    throw badRequest(`missing "action"; send ?action=<name> with one of ${INBOUND_ACTIONS.join(', ')}`);
  }
  if (!(INBOUND_ACTIONS as readonly string[]).includes(action)) {
    throw new CallhookError('unknown_action', `unknown action "${action}"; use one of ${INBOUND_ACTIONS.join(', ')}`, { action });
  }
  return commandFor(action as InboundAction, params);
}

function commandFor(action: InboundAction, params: Map<string, string>): InboundCommand {
  const allowed = [...COMMON, ...PARAMS[action]];
  for (const name of params.keys()) {
    if (!allowed.includes(name)) {
      throw badRequest(`unknown parameter "${name}" for ${action}; allowed: ${allowed.filter((p) => p !== 'action').join(', ')}`);
    }
  }
  const required = (name: string): string => {
    const value = params.get(name);
    if (value === undefined || value === '') throw badRequest(`${action} needs "${name}"`, name);
    return value;
  };
  const call = (): string | null => {
    const value = params.get('call');
    if (value === undefined) return null;
    if (!GUID.test(value)) throw badRequest(`"call" must be a call GUID such as 0190f5c2-…; got "${value}"`, 'call');
    return value.toLowerCase();
  };
  switch (action) {
    case 'make_call': {
      const force = params.get('force');
      if (force !== undefined && force !== '0' && force !== '1') throw badRequest('"force" must be 0 or 1', 'force');
      return { action, target: parseTarget(required('target')), force: force === '1' };
    }
    case 'transfer':
      return { action, target: parseTarget(required('target')), call: call() };
    case 'dtmf': {
      const digits = required('digits');
      if (!DTMF.test(digits)) throw badRequest('"digits" takes 1–32 of 0-9, *, #, A-D', 'digits');
      return { action, digits: digits.toUpperCase(), call: call() };
    }
    default:
      return { action, call: call() };
  }
}

/** `http:// 192.168.0.16:61234`, `[2003:a::1]:61234`, `host:port` → the path that follows, or "". */
function stripOrigin(path: string): string {
  const trimmed = path.replace(/^\s+/, '');
  if (trimmed.startsWith('/')) return trimmed;
  const withoutScheme = trimmed.replace(/^https?:\/\/\s*/i, '');
  const slash = withoutScheme.indexOf('/');
  return slash === -1 ? '' : withoutScheme.slice(slash);
}

function parseQuery(query: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const piece of query.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const name = decode(eq === -1 ? piece : piece.slice(0, eq));
    const value = eq === -1 ? '' : decode(piece.slice(eq + 1));
    if (params.has(name)) throw badRequest(`parameter "${name}" is given twice`, name);
    params.set(name, value);
  }
  return params;
}

/** `+` stays a plus (RFC 3986), not a space: `target=+4930123` must dial +4930123. */
function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw badRequest(`malformed percent-encoding in "${text.slice(0, 40)}"`);
  }
}

function badRequest(message: string, field?: string): CallhookError {
  return new CallhookError('bad_request', message, field ? { field } : undefined);
}
