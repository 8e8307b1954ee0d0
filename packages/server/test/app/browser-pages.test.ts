import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testApp, testSettings, TOKEN, type TestApp } from '../support/test-app.js';

let t: TestApp;
afterEach(async () => t?.close());

const NAVIGATE = { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate', accept: 'text/html,application/xhtml+xml' };

describe('inbound Action URLs followed in a browser', () => {
  it('a navigation gets a readable page with the call and a console link; a program keeps JSON', async () => {
    t = await testApp(testSettings({ token: TOKEN, duplicateWindowMs: 60_000 }));
    const page = await t.app.inject({ url: `/?action=make_call&target=4930123&token=${TOKEN}`, headers: NAVIGATE });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).toContain('<h1 class="good">Calling 4930123</h1>');
    expect(page.body).toContain('href="/console/"');
    expect(page.body).toContain(t.engine.activeCalls()[0]!.guid);
    expect(page.body).not.toContain('<script');

    const again = await t.app.inject({ url: `/?action=make_call&target=4930123&token=${TOKEN}`, headers: NAVIGATE });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('<h1 class="bad">Not done</h1>');
    expect(again.body).toContain('Code <code>duplicate_dial</code>');

    const program = await t.app.inject({ url: `/?action=make_call&target=555&token=${TOKEN}` });
    expect(program.json()).toMatchObject({ ok: true, action: 'make_call', call: { remoteParty: '555' } });
  });

  it('a navigation without the token reads a page that says so; the message is escaped', async () => {
    t = await testApp(testSettings({ token: TOKEN }));
    const page = await t.app.inject({ url: '/?action=make_call&target=1', headers: NAVIGATE });
    expect(page.statusCode).toBe(401);
    expect(page.body).toContain('this listener needs the token');
    const bad = await t.app.inject({ url: `/?action=%3Cscript%3E&token=${TOKEN}`, headers: NAVIGATE });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).not.toContain('<script>');
    // The control API never answers pages.
    const api = await t.app.inject({ url: '/api/v1/calls', headers: NAVIGATE });
    expect(api.json()).toMatchObject({ ok: false, code: 'unauthorized' });
  });
});

describe('console pages', () => {
  it('carry a Content-Security-Policy without inline script, and /favicon.ico needs no token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'callhook-console-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>callhook</title>');
    t = await testApp(testSettings({ token: TOKEN }), { consoleDir: dir });
    const page = await t.app.inject({ url: '/console/' });
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    const icon = await t.app.inject({ url: '/favicon.ico' });
    expect(icon.statusCode).toBe(204);
  });
});

describe('slot tests', () => {
  it('are logged with the tested slot and marked as tests', async () => {
    t = await testApp(testSettings({ token: TOKEN }));
    const call = (t.line.incoming('420', 'Anna Schmidt'), t.engine.activeCalls()[0]!);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/slots/test',
      headers: { authorization: `Bearer ${TOKEN}` },
      payload: { slot: { on: 'connected', url: 'http://127.0.0.1:9/t' }, index: 1, action: 'connected', call },
    });
    expect(res.json()).toMatchObject({ ok: true, record: { slot: 1, callGuid: `test:${call.guid}` } });
    expect(res.json().record.deliveryId).toMatch(/^test:connected:1:/);
  });
});
