import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { testApp, testSettings, TOKEN, type TestApp } from '../support/test-app.js';

const dir = mkdtempSync(join(tmpdir(), 'callhook-recordings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let t: TestApp;
afterEach(async () => t?.close());
const auth = { authorization: `Bearer ${TOKEN}` };
const GUID = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

describe('GET /api/v1/calls/{guid}/recording', () => {
  it('serves the recording as audio/wav, 404 for a call without one, 400 for a GUID that could leave the folder', async () => {
    const recordings = join(dir, 'recordings');
    mkdirSync(recordings);
    const wav = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(60, 7)]);
    writeFileSync(join(recordings, `${GUID}.wav`), wav);
    t = await testApp(testSettings({ token: TOKEN }), { recordingsDir: recordings });
    const found = await t.app.inject({ url: `/api/v1/calls/${GUID}/recording`, headers: auth });
    expect(found.statusCode).toBe(200);
    expect(found.headers['content-type']).toBe('audio/wav');
    expect(found.rawPayload.equals(wav)).toBe(true);
    const missing = await t.app.inject({ url: '/api/v1/calls/0193a1b2-0000-7000-8000-000000000000/recording', headers: auth });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'no_such_call' });
    const escaping = await t.app.inject({ url: '/api/v1/calls/..%2F..%2Fetc%2Fpasswd/recording', headers: auth });
    expect(escaping.statusCode).toBe(400);
    expect((await t.app.inject({ url: `/api/v1/calls/${GUID}/recording` })).statusCode).toBe(401);
  });

  it('answers 404 when the server keeps no recordings (in-memory data)', async () => {
    t = await testApp(testSettings({ token: TOKEN }));
    expect((await t.app.inject({ url: `/api/v1/calls/${GUID}/recording`, headers: auth })).statusCode).toBe(404);
  });
});
