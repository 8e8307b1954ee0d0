import type { Action } from '../actions.js';
import type { CallSnapshot } from '../call/snapshot.js';
import { base64Utf8, encodeComponent } from './encode.js';
import { formatSpecTime, hostUtcOffset, type UtcOffset } from './local-time.js';
import { PLACEHOLDERS, type PlaceholderName } from './placeholders.js';

export interface ExpansionInput {
  action: Action;
  call: CallSnapshot;
  /** When the event happened (epoch ms): the end of `<$call_duration_seconds>` for calls not yet ended. */
  at: number;
  /** Base of the control API (`http://host:port`), for `<$recording_url>`; absent: that placeholder is empty. */
  apiBaseUrl?: string;
}

/**
 * The placeholder values of one call event, shared by every slot that fires for it. Each value is
 * computed at its first use (a slot that only uses `<$call_guid>` never formats the call's times) and
 * kept, and so is its encoded form.
 */
export class ExpansionContext {
  private readonly values: (string | undefined)[];
  private readonly compute: ((index: number) => string) | null;
  private readonly encoded: (string | undefined)[] = new Array<string | undefined>(PLACEHOLDERS.length);
  private encoded64: (string | undefined)[] | null = null;

  /**
   * `raw`: the values in `PLACEHOLDERS` order, or a function giving the value of placeholder `index`
   * (called at most once per index, at its first use).
   */
  constructor(raw: readonly string[] | ((index: number) => string)) {
    if (typeof raw === 'function') {
      this.values = new Array<string | undefined>(PLACEHOLDERS.length);
      this.compute = raw;
    } else {
      this.values = raw as (string | undefined)[];
      this.compute = null;
    }
  }

  /** Every value, in `PLACEHOLDERS` order (computing those not used yet). */
  get raw(): readonly string[] {
    return PLACEHOLDERS.map((_, index) => this.rawValue(index));
  }

  /** The value of placeholder `index` before encoding ('' for an index without one). */
  rawValue(index: number): string {
    const known = this.values[index];
    if (known !== undefined) return known;
    if (this.compute === null || index < 0 || index >= PLACEHOLDERS.length) return '';
    const value = this.compute(index);
    this.values[index] = value;
    return value;
  }

  /**
   * The value of placeholder `index`, percent-encoded (after base64 when asked). With `maxLength`
   * (in characters, see `capValue`), a longer raw value is cut before it is encoded, so a cut never
   * falls inside a percent-escape or a base64 quantum.
   */
  encodedValue(index: number, base64: boolean, maxLength = Infinity): string {
    const raw = this.rawValue(index);
    if (raw.length > maxLength) {
      const capped = capValue(raw, maxLength);
      if (capped !== raw) return encodeComponent(base64 ? base64Utf8(capped) : capped);
    }
    const cache = base64 ? (this.encoded64 ??= new Array<string | undefined>(PLACEHOLDERS.length)) : this.encoded;
    let value = cache[index];
    if (value === undefined) {
      value = encodeComponent(base64 ? base64Utf8(raw) : raw);
      cache[index] = value;
    }
    return value;
  }

  /**
   * As `encodedValue`, for a path segment. URL parsers resolve a segment of "." or ".." (even as
   * %2E) as a dot segment, so a caller ID of ".." could climb the receiver's path. Such values are
   * escaped twice (`%252E%252E`): the path keeps its shape and the receiver sees no traversal.
   */
  encodedPathValue(index: number, base64: boolean, maxLength = Infinity): string {
    const value = this.encodedValue(index, base64, maxLength);
    return value === '.' || value === '..' ? value.replaceAll('.', '%252E') : value;
  }

  value(name: PlaceholderName): string {
    return this.rawValue(PLACEHOLDERS.indexOf(name));
  }
}

/**
 * Made at the first value that needs cutting: constructing a Segmenter loads ICU's break rules
 * (~10 ms CPU and ~1 MiB of the node binary's pages), which a start should not pay for a rare case.
 */
let graphemes: Intl.Segmenter | undefined;

/**
 * `value` cut to at most `maxLength` user-perceived characters (grapheme clusters, so neither a
 * surrogate pair nor an emoji sequence or a letter with its combining mark is split). Returned as
 * it is when it is not longer. Receivers cap request lines (a 6,000-character caller name made a
 * 36 kB URL that the receiver refused with 431), so each substituted value is capped by the slot.
 */
export function capValue(value: string, maxLength: number): string {
  if (value.length <= maxLength) return value;
  let out = '';
  let count = 0;
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  for (const { segment } of graphemes.segment(value)) {
    if (++count > maxLength) return out;
    out += segment;
  }
  return out;
}

const parseTime = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));

/**
 * The placeholder values of one call event (see `PLACEHOLDERS`), each computed at its first use: the
 * times are local (`offset`) in the spec's form, `<$call_duration_seconds>` runs to `input.at` for a
 * call not yet ended.
 */
export function expansionContext(input: ExpansionInput, offset: UtcOffset = hostUtcOffset): ExpansionContext {
  const { call } = input;
  return new ExpansionContext((index) => {
    switch (PLACEHOLDERS[index]!) {
      case 'action':
        return input.action;
      case 'call_direction':
        return call.direction;
      case 'call_direction_as_int':
        return call.direction === 'inbound' ? '0' : '1';
      case 'local_party':
        return call.localParty;
      case 'local_alias':
        return call.localAlias;
      case 'hold_state':
        return call.holdState;
      case 'call_duration_seconds': {
        const connected = parseTime(call.connectedAt);
        const disconnected = parseTime(call.disconnectedAt);
        return String(connected === null ? 0 : Math.max(0, Math.floor(((disconnected ?? input.at) - connected) / 1000)));
      }
      case 'call_created_time':
        return formatSpecTime(parseTime(call.createdAt), offset);
      case 'call_connected_time':
        return formatSpecTime(parseTime(call.connectedAt), offset);
      case 'call_disconnected_time':
        return formatSpecTime(parseTime(call.disconnectedAt), offset);
      case 'call_guid':
        return call.guid;
      case 'remote_party':
        return call.remoteParty;
      case 'remote_alias':
        return call.remoteAlias;
      case 'call_disposition':
        return call.disposition ?? '';
      case 'line_id':
        return call.lineId;
      case 'call_mos':
        // The final figure only: a live call's snapshot has live quality, but `<$call_mos>` is documented for `disconnected`.
        return call.state !== 'ended' || call.quality?.mos == null ? '' : call.quality.mos.toFixed(2);
      case 'recording_url':
        return call.recording && input.apiBaseUrl ? `${input.apiBaseUrl}/api/v1/calls/${encodeURIComponent(call.guid)}/recording` : '';
    }
  });
}
