import type { PendingDelivery } from '@callhook/core';

let n = 0;

/**
 * A delivery as the engine makes them, for tests that feed the Dispatcher directly. Its request timeout is a
 * hang bound (30 s), not the product's default: a test about timeouts sets its own `timeoutMs`.
 */
export function pendingDelivery(url: string, overrides: Partial<PendingDelivery> = {}): PendingDelivery {
  n++;
  const callGuid = overrides.callGuid ?? `call-${n}`;
  return {
    id: `${callGuid}:inbound:0:${n}`,
    callGuid,
    action: 'inbound',
    slot: 0,
    sequence: n,
    url,
    mode: 'http',
    method: 'GET',
    headers: {},
    body: null,
    signingSecret: null,
    timeoutMs: 30_000,
    retries: { max: 0, backoffMs: 10 },
    createdAt: Date.now(),
    ...overrides,
  };
}
