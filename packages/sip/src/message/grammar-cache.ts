import { Grammar } from 'sip.js';

/**
 * sip.js parses every incoming message's first line and its Via, From, To, Contact, CSeq… headers with
 * its PEG grammar, which was the largest single CPU cost of a call (a fifth of the serve process's busy
 * time at 100 calls/s). The same values recur: the request line and Contact of every call from one peer,
 * From/To/Via within a dialog and, apart from their tag or branch, across calls. So `Grammar.parse` is
 * memoised per (rule, value) with a Via branch and a From/To tag taken out of the key and put back
 * into the copy handed out. Every caller gets its own deep copy (same prototypes, so URI and
 * NameAddrHeader methods work), as sip.js may change what it parsed. Bounded: the memo is dropped
 * when full.
 */
type Parse = (input: string, startRule: string) => unknown;

const MAX_ENTRIES = 512;
/** Rules whose value ends in a tag parameter that changes call by call (From, To, and a From read as a name-addr). */
const TAGGED = new Set(['From', 'To', 'Name_Addr_Header']);
/** RFC 3261 token characters: a value the grammar would accept as a branch or a tag. */
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
const PLACEHOLDER = 'x';
/**
 * A Call-ID (RFC 3261 §25.1: `word [ "@" word ]`) of the plainest characters, which the grammar
 * returns unchanged. Call-IDs differ call by call, so each one was a grammar parse and a memo entry
 * that pushed out the recurring values.
 */
const PLAIN_CALL_ID = /^[A-Za-z0-9\-.!%*_+`'~]+(?:@[A-Za-z0-9\-.!%*_+`'~]+)?$/;

let installed = false;

export function installGrammarCache(): void {
  if (installed) return;
  installed = true;
  const parse: Parse = Grammar.parse.bind(Grammar);
  const memo = new Map<string, unknown>();
  Grammar.parse = ((input: string, startRule: string): unknown => {
    if (typeof input !== 'string') return parse(input, startRule);
    if (startRule === 'Call_ID' && PLAIN_CALL_ID.test(input)) return input;
    const variable = startRule === 'Via' ? variablePart(input, ';branch=', false) : TAGGED.has(startRule) ? variablePart(input, ';tag=', true) : undefined;
    const key = `${startRule}\n${variable ? variable.key : input}`;
    let parsed = memo.get(key);
    if (parsed === undefined) {
      parsed = parse(variable ? variable.key : input, startRule);
      if (memo.size >= MAX_ENTRIES) memo.clear();
      memo.set(key, parsed);
    }
    const copy = deepCopy(parsed);
    if (variable && copy !== null && typeof copy === 'object') {
      if (startRule === 'Via') (copy as { branch?: string }).branch = variable.value;
      else (copy as { setParam(name: string, value: string): void }).setParam('tag', variable.value);
    }
    return copy;
  }) as typeof Grammar.parse;
}

/**
 * The value of the one `;name=token` parameter, and the input with a fixed placeholder in its place; or
 * undefined when the shape is anything but plain (several values, several such parameters, a
 * parameter inside <…> for a name-addr), so that unusual input is parsed as it is.
 */
function variablePart(input: string, marker: string, afterAngle: boolean): { key: string; value: string } | undefined {
  const at = input.indexOf(marker);
  if (at === -1 || input.indexOf(marker, at + 1) !== -1 || input.includes(',')) return undefined;
  if (afterAngle) {
    const close = input.lastIndexOf('>');
    if (close === -1 || close > at) return undefined;
  }
  const start = at + marker.length;
  let end = input.indexOf(';', start);
  if (end === -1) end = input.length;
  const value = input.slice(start, end);
  if (!TOKEN.test(value)) return undefined;
  return { key: `${input.slice(0, start)}${PLACEHOLDER}${input.slice(end)}`, value };
}

/** A structural copy that keeps prototypes (URI, NameAddrHeader) and own keys whose value is undefined. */
function deepCopy<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(deepCopy) as T;
  const copy = Object.create(Object.getPrototypeOf(value) as object) as Record<string, unknown>;
  for (const key of Object.keys(value)) copy[key] = deepCopy((value as Record<string, unknown>)[key]);
  return copy as T;
}
