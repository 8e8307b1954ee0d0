import type { Clock, Logger, Random } from '@callhook/core';
import { CstaSession, type CstaSessionDeps, type CstaSessionOptions } from '@callhook/sip';
import { accountOf, cstaOf, type DeskPhoneSettings } from '../settings.js';
import { CstaDriver } from './csta-driver.js';
import { cstaSetupSteps } from './csta-setup.js';

/** The ports and test knobs of a csta line's session. */
export interface CstaDriverDeps {
  clock?: Clock;
  random?: Random;
  logger?: Logger;
  /** Overrides of the session's timing (timeouts, keep-alive, re-open back-off) and SIP timers, for tests. */
  session?: Partial<Pick<CstaSessionOptions, 'requestTimeoutMs' | 'connectTimeoutMs' | 'keepAliveMs' | 'reconnectInitialMs' | 'reconnectMaxMs'>>;
  timers?: CstaSessionDeps['timers'];
}

/** The uaCSTA driver of a `protocol: "csta"` line (Snom or Yealink; the schema refuses Grandstream). */
export function createCstaDriver(settings: DeskPhoneSettings, deps: CstaDriverDeps = {}): CstaDriver {
  const csta = cstaOf(settings);
  const session = new CstaSession(
    {
      phoneUri: csta.uri,
      bindAddress: csta.listen,
      port: csta.port,
      transport: csta.transport,
      username: csta.username,
      password: settings.password,
      ...deps.session,
    },
    {
      ...(deps.clock ? { clock: deps.clock } : {}),
      ...(deps.random ? { random: deps.random } : {}),
      ...(deps.logger ? { logger: deps.logger } : {}),
      ...(deps.timers ? { timers: deps.timers } : {}),
    },
  );
  return new CstaDriver(session, {
    vendor: settings.vendor === 'yealink' ? 'yealink' : 'snom',
    device: csta.uri,
    account: accountOf(settings),
    setupSteps: cstaSetupSteps(settings),
  });
}
