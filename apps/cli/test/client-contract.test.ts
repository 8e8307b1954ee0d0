import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT } from '../src/exit-codes.js';
import { runCliAsync } from './support/cli.js';

let server: Server | null = null;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = null;
});

/** A listener that answers every request 200 with `body`, as something that is not callhook might. */
async function answering(body: unknown): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

describe('client commands parse answers with the control API contract', () => {
  it('calls: an answer outside the contract is unexpected_response (exit 4) naming the field, not a crash', async () => {
    const { url, requests } = await answering({ ok: true, active: [{ guid: 'x' }], recent: [] });
    const run = await runCliAsync(['calls', '--limit', '3'], { CALLHOOK_URL: url });
    expect(requests).toEqual(['GET /api/v1/calls?limit=3']);
    expect(run.code).toBe(EXIT.unreachable);
    expect(run.stderr).toMatch(/unexpected_response|does not understand/);
    expect(run.stderr).toContain('active.0');
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('dial: the Action URL answer is checked too', async () => {
    const { url } = await answering({ ok: true, call: 'ringing' });
    const run = await runCliAsync(['dial', '123'], { CALLHOOK_URL: url });
    expect(run.code).toBe(EXIT.unreachable);
    expect(run.stderr).toMatch(/call: /);
  });

  it("simulate: a request that breaks the route's body schema is refused before it is sent (exit 2)", async () => {
    const { url, requests } = await answering({ ok: true, call: null });
    const run = await runCliAsync(['simulate', 'incoming', '--from', ''], { CALLHOOK_URL: url });
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toContain('from needs the caller number');
    expect(requests).toEqual([]);
  });
});
