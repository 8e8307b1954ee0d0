import type { PendingDelivery } from '@callhook/core';

export function pending(patch: Partial<PendingDelivery> = {}): PendingDelivery {
  return {
    id: 'g:inbound:0:1',
    callGuid: 'g',
    action: 'inbound',
    slot: 0,
    sequence: 1,
    url: 'http://127.0.0.1:9/in?n=420',
    mode: 'http',
    method: 'GET',
    headers: {},
    body: null,
    signingSecret: null,
    timeoutMs: 100,
    retries: { max: 0, backoffMs: 10 },
    createdAt: 0,
    ...patch,
  };
}
