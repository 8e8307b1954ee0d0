import { describe, expect, it } from 'vitest';
import { compileTemplate, expansionContext, SPEC_EXAMPLE_CALL, type CallSnapshot } from '../../src/index.js';

const ended: CallSnapshot = {
  ...SPEC_EXAMPLE_CALL,
  state: 'ended',
  disposition: 'answered',
  quality: { packetsLost: 3, jitterMs: 4.5, rttMs: 12, mos: 4.1, codec: 'PCMU' },
  recording: true,
};
const template = compileTemplate('http://127.0.0.1:9/hook?mos=<$call_mos>&rec=<$recording_url>');

describe('<$call_mos> and <$recording_url> (softphone media)', () => {
  it('give the MOS with two decimals and the recording URL under the control API, percent-encoded', () => {
    const url = new URL(template.expand(expansionContext({ action: 'disconnected', call: ended, at: 0, apiBaseUrl: 'http://127.0.0.1:8088' })));
    expect(url.searchParams.get('mos')).toBe('4.10');
    expect(url.searchParams.get('rec')).toBe(`http://127.0.0.1:8088/api/v1/calls/${ended.guid}/recording`);
  });

  it('are empty for a call without media figures or recording', () => {
    const url = new URL(template.expand(expansionContext({ action: 'disconnected', call: SPEC_EXAMPLE_CALL, at: 0, apiBaseUrl: 'http://127.0.0.1:8088' })));
    expect(url.searchParams.get('mos')).toBe('');
    expect(url.searchParams.get('rec')).toBe('');
  });

  it('<$call_mos> stays empty before the end, though a live call carries live figures', () => {
    const live: CallSnapshot = { ...ended, state: 'held', holdState: 'on_hold', disposition: null, recording: false };
    const url = new URL(template.expand(expansionContext({ action: 'hold', call: live, at: 0, apiBaseUrl: 'http://127.0.0.1:8088' })));
    expect(url.searchParams.get('mos')).toBe('');
  });
});
