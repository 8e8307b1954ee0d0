import type { LineEvent } from '@callhook/core';
import { cryptoRandom, systemClock } from '@callhook/node';
import { createDriver, DeskPhoneLine, DeskPhoneLineSchema, type DeskPhoneLineDeps, type DeskPhoneSettings } from '../../src/index.js';
// The uaCSTA phone of the sip package's own tests, reused as is (one fake, written from ECMA TR/87 and the Snom samples).
import { FakeCstaPhone, type FakePhoneOptions } from '../../../sip/test/csta/support/fake-csta-phone.js';

export { FakeCstaPhone };

/** A fake uaCSTA phone and a csta desk-phone line aimed at it (not started), with every line event recorded. */
export interface CstaRig {
  phone: FakeCstaPhone;
  line: DeskPhoneLine;
  settings: DeskPhoneSettings;
  events: LineEvent[];
  close(): Promise<void>;
}

/** Starts a fake phone (`phoneOptions`) and builds a csta line on loopback with short session timings. */
export async function cstaRig(
  options: {
    vendor?: 'snom' | 'yealink';
    phone?: FakePhoneOptions;
    phonePort?: number;
    settings?: Record<string, unknown>;
    deps?: Partial<DeskPhoneLineDeps>;
  } = {},
): Promise<CstaRig> {
  const phone = await FakeCstaPhone.start(options.phone ?? {}, options.phonePort ?? 0);
  const settings: DeskPhoneSettings = {
    id: `desk-csta-${options.vendor ?? 'snom'}`,
    ...DeskPhoneLineSchema.parse({
      type: 'deskphone',
      vendor: options.vendor ?? 'snom',
      protocol: 'csta',
      url: 'http://127.0.0.1',
      password: 'secret',
      account: '987@example.com',
      ...options.settings,
      csta: { uri: phone.uri, listen: '127.0.0.1', ...(options.settings?.['csta'] as object | undefined) },
    }),
  };
  const line = new DeskPhoneLine(settings, {
    clock: systemClock,
    random: cryptoRandom,
    driver: createDriver(settings, {
      clock: systemClock,
      random: cryptoRandom,
      csta: { session: { requestTimeoutMs: 5_000, connectTimeoutMs: 3_000, keepAliveMs: 0, reconnectInitialMs: 50, reconnectMaxMs: 400 } },
    }),
    ...options.deps,
  });
  const events: LineEvent[] = [];
  line.onEvent((event) => events.push(event));
  return {
    phone,
    line,
    settings,
    events,
    async close() {
      await line.stop();
      await phone.close();
    },
  };
}
