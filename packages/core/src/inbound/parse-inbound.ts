import { Refusal } from '../errors.js';
import { LINE_ID_PATTERN } from '../line/line-settings.js';
import { INBOUND_ACTIONS, type InboundAction } from '../settings/settings-schema.js';
import type { InboundCommand } from './inbound-command.js';
import { decodeComponent } from './decode-component.js';
import { readTarget } from './target.js';

export const MAX_REQUEST_TARGET = 4096;
/** No action takes more than five; a query of hundreds of pieces is refused before it costs anything. */
export const MAX_PARAMETERS = 16;

/** Parameters every action accepts: the token is checked by the listener's security gate; `line` names a line. */
const COMMON = ['action', 'token', 'line'];
const PARAMS: Record<InboundAction, string[]> = {
  make_call: ['target', 'force'],
  answer: ['call'],
  hangup: ['call'],
  hold: ['call'],
  unhold: ['call'],
  transfer: ['call', 'target'],
  dtmf: ['call', 'digits'],
};
// Built once: this parser answers floods of bad requests, so its hot path allocates little.
const ALLOWED = new Map(INBOUND_ACTIONS.map((action) => [action as string, new Set([...COMMON, ...PARAMS[action]])]));
const ACTION_LIST = INBOUND_ACTIONS.join(', ');

/** A call GUID as commands name one (any case; commands lower-case it). */
export const CALL_GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** DTMF digits a dtmf command takes. */
export const DTMF_DIGITS_PATTERN = /^[0-9*#A-Da-d]{1,32}$/;

/**
 * Parses an inbound Action URL request target into a command; throws a CallhookError for bad input.
 * Accepted forms: `/?action=make_call&target=123`, the spec's `<IP>?action=…` (with or without
 * scheme and port), and the click-to-dial forms CRMs send to desk phones: Snom
 * `/command.htm?number=123` and Yealink `/servlet?key=number=123`.
 */
export function parseInboundRequest(requestTarget: string): InboundCommand {
  const command = readInboundRequest(requestTarget);
  if (command instanceof Refusal) throw command.toError();
  return command;
}

/** `parseInboundRequest` that returns its refusal instead of throwing it: the listener's hot path. */
export function readInboundRequest(requestTarget: string): InboundCommand | Refusal {
  if (requestTarget.length > MAX_REQUEST_TARGET) {
    return badRequest(`request is longer than ${MAX_REQUEST_TARGET} characters`);
  }
  const q = requestTarget.indexOf('?');
  const rawPath = q === -1 ? requestTarget : requestTarget.slice(0, q);
  const path = rawPath === '/' ? rawPath : stripOrigin(rawPath);
  const params = parseQuery(requestTarget, q === -1 ? requestTarget.length : q + 1);
  if (params instanceof Refusal) return params;

  if (path !== '/' && path !== '') {
    const lowerPath = path.toLowerCase();
    const number = params.get('number');
    if (lowerPath === '/command.htm' && number !== undefined) return phoneDial(number);
    const key = params.get('key');
    if (lowerPath === '/servlet' && key?.startsWith('number=')) return phoneDial(key.slice('number='.length));
    return badRequest(`unknown path "${path}"; send GET /?action=<name>&… (e.g. /?action=make_call&target=123)`);
  }
  const action = params.get('action');
  if (action === undefined) {
    return badRequest(`missing "action"; send ?action=<name> with one of ${ACTION_LIST}`);
  }
  const allowed = ALLOWED.get(action);
  if (!allowed) {
    return new Refusal('unknown_action', `unknown action "${action}"; use one of ${ACTION_LIST}`, { action });
  }
  return commandFor(action as InboundAction, params, allowed);
}

/** A desk phone's click-to-dial request (Snom, Yealink): always a plain make_call. */
function phoneDial(number: string): InboundCommand | Refusal {
  const target = readTarget(number, 'number');
  return target instanceof Refusal ? target : { action: 'make_call', target, force: false };
}

function commandFor(action: InboundAction, params: Map<string, string>, allowed: Set<string>): InboundCommand | Refusal {
  const line = params.get('line');
  if (line !== undefined && !LINE_ID_PATTERN.test(line)) {
    return badRequest(`"line" must be a line id such as desk-12 (a-z, 0-9, _ and -); got "${line.slice(0, 40)}"`, 'line');
  }
  const command = commandOf(action, params, allowed);
  return line === undefined || command instanceof Refusal ? command : { ...command, line };
}

function commandOf(action: InboundAction, params: Map<string, string>, allowed: Set<string>): InboundCommand | Refusal {
  for (const name of params.keys()) {
    if (!allowed.has(name)) {
      return badRequest(`unknown parameter "${name}" for ${action}; allowed: ${[...allowed].filter((p) => p !== 'action').join(', ')}`);
    }
  }
  const required = (name: string): string | Refusal => {
    const value = params.get(name);
    return value === undefined || value === '' ? badRequest(`${action} needs "${name}"`, name) : value;
  };
  const target = (): string | Refusal => {
    const raw = required('target');
    return raw instanceof Refusal ? raw : readTarget(raw);
  };
  const call = (): string | null | Refusal => {
    const value = params.get('call');
    if (value === undefined) return null;
    if (!CALL_GUID_PATTERN.test(value)) return badRequest(`"call" must be a call GUID such as 0190f5c2-…; got "${value}"`, 'call');
    return value.toLowerCase();
  };
  switch (action) {
    case 'make_call': {
      const force = params.get('force');
      if (force !== undefined && force !== '0' && force !== '1') return badRequest('"force" must be 0 or 1', 'force');
      const dialled = target();
      return dialled instanceof Refusal ? dialled : { action, target: dialled, force: force === '1' };
    }
    case 'transfer': {
      const dialled = target();
      if (dialled instanceof Refusal) return dialled;
      const guid = call();
      return guid instanceof Refusal ? guid : { action, target: dialled, call: guid };
    }
    case 'dtmf': {
      const digits = required('digits');
      if (digits instanceof Refusal) return digits;
      if (!DTMF_DIGITS_PATTERN.test(digits)) return badRequest('"digits" takes 1–32 of 0-9, *, #, A-D', 'digits');
      const guid = call();
      return guid instanceof Refusal ? guid : { action, digits: digits.toUpperCase(), call: guid };
    }
    default: {
      const guid = call();
      return guid instanceof Refusal ? guid : { action, call: guid };
    }
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

/** The `name=value` pairs of `target` from `start` on, in one pass without splitting the string. */
function parseQuery(target: string, start: number): Map<string, string> | Refusal {
  const params = new Map<string, string>();
  // The next '=' at or after pos, found once and reused: searching again for every piece would make a
  // query of many pieces without '=' quadratic.
  let nextEq = -1;
  for (let pos = start; pos < target.length;) {
    let end = target.indexOf('&', pos);
    if (end === -1) end = target.length;
    if (end > pos) {
      if (nextEq !== Infinity && nextEq < pos) {
        nextEq = target.indexOf('=', pos);
        if (nextEq === -1) nextEq = Infinity;
      }
      const nameEnd = nextEq > end ? end : nextEq;
      const name = decode(target.slice(pos, nameEnd));
      if (name instanceof Refusal) return name;
      const value = nameEnd === end ? '' : decode(target.slice(nameEnd + 1, end));
      if (value instanceof Refusal) return value;
      if (params.has(name)) return badRequest(`parameter "${name}" is given twice`, name);
      if (params.size === MAX_PARAMETERS) return badRequest(`more than ${MAX_PARAMETERS} parameters`);
      params.set(name, value);
    }
    pos = end + 1;
  }
  return params;
}

/** `+` stays a plus (RFC 3986), not a space: `target=+4930123` must dial +4930123. */
function decode(text: string): string | Refusal {
  return decodeComponent(text) ?? badRequest(`malformed percent-encoding in "${text.slice(0, 40)}"`);
}

function badRequest(message: string, field?: string): Refusal {
  return new Refusal('bad_request', message, field ? { field } : undefined);
}
