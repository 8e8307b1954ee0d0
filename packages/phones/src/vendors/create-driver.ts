import type { Clock } from '@callhook/core';
import type { Dispatcher } from 'undici';
import type { PhoneDriver } from '../driver.js';
import { PhoneHttp } from '../http/phone-http.js';
import type { DeskPhoneSettings } from '../settings.js';
import { GrandstreamDriver } from './grandstream.js';
import { SnomDriver } from './snom.js';
import { YealinkDriver } from './yealink.js';

const noClock: Clock = {
  now: () => 0,
  setTimeout: () => 0,
  clearTimeout: () => undefined,
};

/**
 * The HTTP driver of `settings.vendor` (protocol "http"; "csta" is refused by the settings schema
 * until the uaCSTA driver ships). Without a clock the driver can describe its setup but its requests
 * have no timeout bound: pass one for a running line.
 */
export function createDriver(settings: DeskPhoneSettings, options: { clock?: Clock; dispatcher?: Dispatcher; timeoutMs?: number } = {}): PhoneDriver {
  const http = new PhoneHttp({
    baseUrl: settings.url.replace(/\/$/, ''),
    username: settings.username,
    password: settings.password,
    clock: options.clock ?? noClock,
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  switch (settings.vendor) {
    case 'snom':
      return new SnomDriver(http);
    case 'yealink':
      return new YealinkDriver(http);
    case 'grandstream':
      return new GrandstreamDriver(http, settings.password);
  }
}
