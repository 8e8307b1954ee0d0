import { describe, expect, it } from 'vitest';
import { cancelCause, parseReason } from '../src/line/reason-header.js';

describe('Reason header (RFC 3326)', () => {
  it('reads protocol, cause and quoted text, several entries per header', () => {
    expect(parseReason(['SIP ;cause=200 ;text="Call completed elsewhere"', 'Q.850;cause=16;text="Normal, \\"clearing\\""'])).toEqual([
      { protocol: 'SIP', cause: 200, text: 'Call completed elsewhere' },
      { protocol: 'Q.850', cause: 16, text: 'Normal, "clearing"' },
    ]);
    expect(parseReason(['SIP;cause=487, Q.850;cause=31'])).toEqual([
      { protocol: 'SIP', cause: 487, text: null },
      { protocol: 'Q.850', cause: 31, text: null },
    ]);
  });

  it('skips what does not parse instead of failing the CANCEL', () => {
    expect(parseReason(['', ';;;', 'SIP;cause=abc'])).toEqual([{ protocol: 'SIP', cause: null, text: null }]);
  });

  it('files cause=200 as answered elsewhere, anything else as the caller giving up', () => {
    expect(cancelCause(parseReason(['SIP;cause=200;text="Call completed elsewhere"']))).toEqual({
      cause: 'answered_elsewhere',
      detail: 'Call completed elsewhere',
    });
    expect(cancelCause(parseReason(['Q.850;cause=16']))).toEqual({ cause: 'normal' });
    expect(cancelCause(parseReason(['SIP;cause=487']))).toEqual({ cause: 'normal', detail: 'CANCEL: SIP 487' });
    expect(cancelCause([])).toEqual({ cause: 'normal' });
  });
});
