import type { LineEvent } from '@callhook/core';
import { cryptoRandom, systemClock } from '@callhook/node';
import { createDriver, DeskPhoneLine, DeskPhoneLineSchema, setupEntries, type DeskPhoneLineDeps, type DeskPhoneSettings } from '../../src/index.js';
import type { FakePhone } from '../../src/testing/fake-phone.js';
import { FakeGrandstream } from '../../src/testing/fake-grandstream.js';
import { FakeSnom } from '../../src/testing/fake-snom.js';
import { FakeYealink } from '../../src/testing/fake-yealink.js';
import { freePort } from './free-port.js';

export type Vendor = 'snom' | 'yealink' | 'grandstream';

export interface Rig<P extends FakePhone = FakePhone> {
  phone: P;
  line: DeskPhoneLine;
  settings: DeskPhoneSettings;
  events: LineEvent[];
  close(): Promise<void>;
}

/** A fake phone of `vendor` and a desk-phone line watching it, not started (the fake's event URLs set as callhook's setup says, Snom by provisioning). */
export async function rig<V extends Vendor>(
  vendor: V,
  options: { auth?: 'basic' | 'digest'; settings?: Record<string, unknown>; deps?: Partial<DeskPhoneLineDeps>; configure?: boolean } = {},
): Promise<Rig<V extends 'snom' ? FakeSnom : V extends 'yealink' ? FakeYealink : FakeGrandstream>> {
  const phone =
    vendor === 'snom' ? new FakeSnom({ auth: options.auth }) : vendor === 'yealink' ? new FakeYealink({ auth: options.auth }) : new FakeGrandstream();
  await phone.start();
  const port = await freePort();
  const settings: DeskPhoneSettings = {
    id: `desk-${vendor}`,
    ...DeskPhoneLineSchema.parse({
      type: 'deskphone',
      vendor,
      url: phone.url,
      username: 'admin',
      password: 'secret',
      account: '987@example.com',
      callback: { listen: '127.0.0.1', port, url: `http://127.0.0.1:${port}` },
      provision: vendor === 'snom',
      ...options.settings,
    }),
  };
  if (vendor !== 'snom' && options.configure !== false) phone.configure(setupEntries(settings));
  const line = new DeskPhoneLine(settings, {
    clock: systemClock,
    random: cryptoRandom,
    driver: createDriver(settings, { clock: systemClock }),
    ...options.deps,
  });
  const events: LineEvent[] = [];
  line.onEvent((event) => events.push(event));
  return {
    phone: phone as never,
    line,
    settings,
    events,
    async close() {
      await line.stop();
      await phone.close();
    },
  };
}
