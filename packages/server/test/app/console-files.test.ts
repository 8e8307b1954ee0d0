import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testApp, testSettings, TOKEN, type TestApp } from '../support/test-app.js';

let t: TestApp | undefined;
let dir: string | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A console directory: index.html and a script under assets/, and a file beside the directory that must not be served. */
function consoleDir(): string {
  const root = mkdtempSync(join(tmpdir(), 'callhook-console-files-'));
  dir = root;
  mkdirSync(join(root, 'console'));
  mkdirSync(join(root, 'console', 'assets'));
  writeFileSync(join(root, 'console', 'index.html'), '<!doctype html><title>callhook</title>');
  writeFileSync(join(root, 'console', 'assets', 'app.js'), 'console.log(1);\n');
  writeFileSync(join(root, 'secret.txt'), 'outside the console');
  return join(root, 'console');
}

describe('console files (served by @fastify/static, loaded at the first console request)', () => {
  it('answers files with their type, validators and the console headers; HEAD without a body', async () => {
    t = await testApp(testSettings({ token: TOKEN }), { consoleDir: consoleDir() });
    const script = await t.app.inject({ url: '/console/assets/app.js' });
    expect(script.statusCode).toBe(200);
    expect(script.body).toBe('console.log(1);\n');
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(script.headers['content-security-policy']).toContain("script-src 'self'");
    expect(script.headers['x-content-type-options']).toBe('nosniff');
    const etag = String(script.headers.etag);
    expect(etag).not.toBe('undefined');
    expect((await t.app.inject({ url: '/console/assets/app.js', headers: { 'if-none-match': etag } })).statusCode).toBe(304);
    const head = await t.app.inject({ method: 'HEAD', url: '/console/' });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-type']).toMatch(/text\/html/);
  });

  it('answers a missing file and a path out of the directory with a refusal in the API shape, never the file', async () => {
    t = await testApp(testSettings({ token: TOKEN }), { consoleDir: consoleDir() });
    const missing = await t.app.inject({ url: '/console/nothing.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ ok: false, code: 'not_found' });
    expect(missing.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    for (const url of ['/console/../secret.txt', '/console/%2e%2e/secret.txt', '/console/assets/%2e%2e/%2e%2e/secret.txt']) {
      const escape = await t.app.inject({ url });
      expect(escape.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(escape.body, url).not.toContain('outside the console');
    }
  });

  it('keeps the gate in front: a cross-site request is refused before a file is read', async () => {
    t = await testApp(testSettings({ token: TOKEN }), { consoleDir: consoleDir() });
    const crossSite = await t.app.inject({ url: '/console/assets/app.js', headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' } });
    expect(crossSite.statusCode).toBe(403);
    expect(crossSite.body).not.toContain('console.log');
  });
});
