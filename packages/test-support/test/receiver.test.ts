import { afterEach, describe, expect, it } from 'vitest';
import { startReceiver, waitFor, type Receiver } from '../src/index.js';

let receiver: Receiver | null = null;
afterEach(async () => {
  await receiver?.close();
  receiver = null;
});

describe('startReceiver and waitFor', () => {
  it('records each request and answers with the handler in place at the time', async () => {
    receiver = await startReceiver();
    expect((await fetch(`${receiver.url}/a?x=1`)).status).toBe(200);
    receiver.setHandler((_req, res) => res.writeHead(503).end());
    expect((await fetch(`${receiver.url}/b`, { method: 'POST', body: 'hi' })).status).toBe(503);
    expect(receiver.received.map(({ method, url, body }) => ({ method, url, body }))).toEqual([
      { method: 'GET', url: '/a?x=1', body: '' },
      { method: 'POST', url: '/b', body: 'hi' },
    ]);
  });

  it('waitFor resolves once the check holds and names what it waited for when it never does', async () => {
    let ready = false;
    setTimeout(() => (ready = true), 30);
    await waitFor(() => ready, 'ready');
    await expect(waitFor(async () => false, 'the impossible', 60)).rejects.toThrow('timed out waiting for the impossible');
  });
});
