import { systemClock } from '@callhook/node';
import { silentLogger } from '@callhook/core';
import { describe, expect, it } from 'vitest';
import { lazySipLinePlugin } from '../src/lazy.js';
import { SipLine, SipLineSchema, sipLinePlugin } from '../src/index.js';

describe('@callhook/sip/lazy', () => {
  it('validates and masks like the SIP plugin, and builds a SIP line only once loaded', async () => {
    expect(lazySipLinePlugin.type).toBe(sipLinePlugin.type);
    expect(lazySipLinePlugin.settingsSchema).toBe(SipLineSchema);
    expect(lazySipLinePlugin.secrets).toBe(sipLinePlugin.secrets);
    const settings = { ...SipLineSchema.parse({ type: 'sip', aor: 'sip:303@127.0.0.1' }), id: 'default' };
    const deps = { lineId: 'default', clock: systemClock, logger: silentLogger };
    expect(() => lazySipLinePlugin.create(settings, deps)).toThrow(/not loaded/);
    await lazySipLinePlugin.load!();
    expect(lazySipLinePlugin.create(settings, deps)).toBeInstanceOf(SipLine);
  });
});
