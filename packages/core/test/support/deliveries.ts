import type { PendingDelivery } from '../../src/index.js';

let n = 0;
export function delivery(overrides: Partial<PendingDelivery> = {}): PendingDelivery {
  n++;
  return {
    id: `d${n}`,
    callGuid: 'call-1',
    action: 'inbound',
    slot: 0,
    sequence: n,
    url: `http://receiver.test/${n}`,
    mode: 'http',
    method: 'GET',
    headers: {},
    body: null,
    signingSecret: null,
    timeoutMs: 1_000,
    retries: { max: 0, backoffMs: 100 },
    createdAt: 0,
    ...overrides,
  };
}
