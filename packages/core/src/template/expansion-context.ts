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
 * The placeholder values of one call event, computed once and shared by every slot that fires for it.
 * Encoded forms are computed on first use and cached.
 */
export class ExpansionContext {
  readonly raw: readonly string[];
  private readonly encoded: (string | undefined)[] = new Array<string | undefined>(PLACEHOLDERS.length);
  private encoded64: (string | undefined)[] | null = null;

  constructor(raw: readonly string[]) {
    this.raw = raw;
  }

  /**
   * The value of placeholder `index`, percent-encoded (after base64 when asked). With `maxLength`
   * (in characters, see `capValue`), a longer raw value is cut before it is encoded, so a cut never
   * falls inside a percent-escape or a base64 quantum.
   */
  encodedValue(index: number, base64: boolean, maxLength = Infinity): string {
    const raw = this.raw[index] ?? '';
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
    return this.raw[PLACEHOLDERS.indexOf(name)] ?? '';
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

export function expansionContext(input: ExpansionInput, offset: UtcOffset = hostUtcOffset): ExpansionContext {
  const { call } = input;
  const connected = parseTime(call.connectedAt);
  const disconnected = parseTime(call.disconnectedAt);
  const duration = connected === null ? 0 : Math.max(0, Math.floor(((disconnected ?? input.at) - connected) / 1000));
  const values: Record<PlaceholderName, string> = {
    action: input.action,
    call_direction: call.direction,
    call_direction_as_int: call.direction === 'inbound' ? '0' : '1',
    local_party: call.localParty,
    local_alias: call.localAlias,
    hold_state: call.holdState,
    call_duration_seconds: String(duration),
    call_created_time: formatSpecTime(parseTime(call.createdAt), offset),
    call_connected_time: formatSpecTime(connected, offset),
    call_disconnected_time: formatSpecTime(disconnected, offset),
    call_guid: call.guid,
    remote_party: call.remoteParty,
    remote_alias: call.remoteAlias,
    call_disposition: call.disposition ?? '',
    line_id: call.lineId,
    // The final figure only: a live call's snapshot has live quality, but `<$call_mos>` is documented for `disconnected`.
    call_mos: call.state !== 'ended' || call.quality?.mos == null ? '' : call.quality.mos.toFixed(2),
    recording_url: call.recording && input.apiBaseUrl ? `${input.apiBaseUrl}/api/v1/calls/${encodeURIComponent(call.guid)}/recording` : '',
  };
  return new ExpansionContext(PLACEHOLDERS.map((name) => values[name]));
}
