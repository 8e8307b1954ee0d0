import type { CallQuality } from '@callhook/core';
import type { Socket } from 'node:net';
import { waitFor } from '@callhook/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { API } from '../../src/contract/index.js';
import { rawGet } from '../support/raw-client.js';
import { testApp, testSettings, TOKEN, type TestApp } from '../support/test-app.js';

let t: TestApp | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await t?.close();
  t = undefined;
});
const auth = { authorization: `Bearer ${TOKEN}` };

const LIVE: CallQuality = { packetsLost: 2, packetsReceived: 248, jitterMs: 3.1, rttMs: 14, mos: 4.38, codec: 'PCMU' };

/** Sends a line event as a line with real media does (the simulator has no media of its own). */
function lineEmits(app: TestApp, event: unknown): void {
  (app.line as unknown as { emit(e: unknown): void }).emit(event);
}

describe('live call quality in the control API', () => {
  it('GET /api/v1/calls and /calls/:guid carry a live call its quality in the contract shape; no Action URL fires for it', async () => {
    t = await testApp(
      testSettings(
        { token: TOKEN },
        {
          actionUrls: {
            enabled: true,
            slots: [
              { on: 'hold', url: 'http://127.0.0.1:9/h' },
              { on: 'connected', url: 'http://127.0.0.1:9/c' },
            ],
          },
        },
      ),
    );
    const id = t.line.incoming('420', 'Michael D785');
    const answered = await t.app.inject({ url: '/?action=answer', headers: auth });
    expect(answered.json()).toMatchObject({ ok: true, call: { state: 'connected', quality: null } });
    lineEmits(t, { type: 'quality', lineCallId: id, quality: LIVE });

    const res = await t.app.inject({ url: '/api/v1/calls', headers: auth });
    expect(res.statusCode).toBe(200);
    const body = API.listCalls.response.parse(res.json());
    expect(body.active).toHaveLength(1);
    expect(body.active[0]).toMatchObject({ state: 'connected', remoteParty: '420', quality: LIVE });
    const guid = body.active[0]!.guid;
    const one = API.getCall.response.parse((await t.app.inject({ url: `/api/v1/calls/${guid}`, headers: auth })).json());
    expect(one.call.quality).toEqual(LIVE);

    await t.engine.dispatcher.drain(30_000);
    const after = API.getCall.response.parse((await t.app.inject({ url: `/api/v1/calls/${guid}`, headers: auth })).json());
    expect(after.deliveries.map((d) => d.action)).toEqual(['connected']);
    expect(t.fetcher.requests.map((r) => r.url)).toEqual(['http://127.0.0.1:9/c']);
  });

  it('the OpenAPI document describes quality and each of its fields', async () => {
    t = await testApp(testSettings({ token: TOKEN }));
    const doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json();
    const text = JSON.stringify(doc.paths['/api/v1/calls'].get.responses['200']);
    for (const field of ['packetsLost', 'packetsReceived', 'jitterMs', 'rttMs', 'mos']) expect(text).toContain(`"${field}"`);
    expect(text).toContain('live while connected or held');
    expect(text).toContain('LSR/DLSR');
  });

  it('GET /api/v1/events streams each update as "event: quality" with the whole snapshot', async () => {
    t = await testApp(testSettings({ token: TOKEN }));
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.app.server.address() as { port: number }).port;
    const id = t.line.incoming('421');
    await t.app.inject({ url: '/?action=answer', headers: auth });
    const stream = await rawGet(port, `/api/v1/events?token=${TOKEN}`, true);
    sockets.push(stream.socket);
    await waitFor(() => stream.received().includes('event: line'), 'the stream to open with the line status', 30_000);
    lineEmits(t, { type: 'quality', lineCallId: id, quality: LIVE });
    await waitFor(() => stream.received().includes('event: quality'), 'a quality event on the stream', 30_000);
    const frame = /event: quality\r?\ndata: (.*)\r?\n/.exec(stream.received())![1]!;
    expect(JSON.parse(frame)).toMatchObject({ type: 'quality', at: expect.any(Number), call: { remoteParty: '421', state: 'connected', quality: LIVE } });
  });
});
