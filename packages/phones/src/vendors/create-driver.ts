import type { Clock, Logger, Random } from '@callhook/core';
import type { Dispatcher } from 'undici';
import type { PhoneDriver } from '../driver.js';
import { createCstaDriver, type CstaDriverDeps } from '../csta/create-csta-driver.js';
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
 * The driver of a desk-phone line: for protocol "http" the HTTP driver of `settings.vendor`; for
 * "csta" the uaCSTA driver (its session is opened by the line's `start`, not here). Without a clock
 * an HTTP driver can describe its setup but its requests have no timeout bound: pass one for a
 * running line.
 */
export function createDriver(
  settings: DeskPhoneSettings,
  options: {
    clock?: Clock;
    random?: Random;
    logger?: Logger;
    dispatcher?: Dispatcher;
    timeoutMs?: number;
    csta?: Omit<CstaDriverDeps, 'clock' | 'random' | 'logger'>;
  } = {},
): PhoneDriver {
  if (settings.protocol === 'csta') {
    return createCstaDriver(settings, {
      ...options.csta,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.random ? { random: options.random } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
  }
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
