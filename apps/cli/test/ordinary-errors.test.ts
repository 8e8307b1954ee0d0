import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, runCliAsync, startServe, type RunResult, type Served, stopServed } from './support/cli.js';

// Issue 15: ordinary situations end in one line naming the problem and the fix, with its exit code.
const dir = mkdtempSync(join(tmpdir(), 'callhook-errors-'));
let served: Served | null = null;

afterEach(async () => {
  await stopServed(served);
  served = null;
});

/** One line on stderr and no stack frame in it. */
function expectOneLine(result: RunResult): string {
  const lines = result.stderr.split('\n').filter((l) => l.startsWith('error '));
  expect(lines, result.stderr).toHaveLength(1);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  return lines[0]!;
}

describe('ordinary situations: one line, the fix, the documented exit code', () => {
  it('a port in use: the port, the address and the fix, exit 7', async () => {
    served = await startServe(['--demo', '--port', '0', '--data', ':memory:']);
    const port = new URL(served.urls[0]!).port;
    const second = await runCliAsync(['serve', '--demo', '--port', port, '--data', ':memory:']);
    expect(second.code).toBe(7);
    expect(expectOneLine(second)).toBe(`error port ${port} on 127.0.0.1 is in use — another callhook serve? stop it or pass --port`);
    const asJson = await runCliAsync(['--json', 'serve', '--demo', '--port', port, '--data', ':memory:']);
    expect(asJson.code).toBe(7);
    expect(JSON.parse(asJson.stderr.trim().split('\n').pop()!)).toMatchObject({ ok: false, code: 'port_in_use' });
  });

  it('--data into a file or an unwritable place: the path and the fix, exit 7', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    for (const data of [file, join(file, 'journal'), '/sys/callhook-test/journal']) {
      const result = await runCli(['serve', '--demo', '--port', '0', '--data', data]);
      expect(result.code, result.stderr).toBe(7);
      const line = expectOneLine(result);
      expect(line).toContain(`--data ${data}`);
      expect(line).toContain('pass --data with a directory you can write to');
      expect(result.stdout).not.toContain('listening on');
    }
  });

  it('config check names every bad field in one pass, in words, and lists them with --json', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        inbound: { port: '61234', enabled: 'yes' },
        actionUrls: {
          slots: [
            { on: 'ringing', url: 'http://x/' },
            { on: 'inbound', url: 'http://crm/?n=<$nope>' },
          ],
        },
      }),
    );
    const result = await runCli(['config', 'check', file]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('inbound.port must be a whole number between 1 and 65535, got "61234"');
    expect(result.stderr).toContain('inbound.enabled must be true or false, got "yes"');
    expect(result.stderr).toContain('actionUrls.slots[0].on');
    // The template error is not hidden by the schema errors.
    expect(result.stderr).toContain('actionUrls.slots[1].url: unknown placeholder "<$nope>"');
    expect(result.stderr).not.toMatch(/Invalid input|expected number, received/);

    const asJson = await runCli(['--json', 'config', 'check', file]);
    expect(asJson.code).toBe(3);
    const reply = JSON.parse(asJson.stderr) as { ok: false; code: string; issues: { path: string; message: string }[] };
    expect(reply).toMatchObject({ ok: false, code: 'invalid_settings' });
    expect(reply.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['inbound.port', 'inbound.enabled', 'actionUrls.slots[0].on', 'actionUrls.slots[1].url']),
    );
  });

  it('a listener other machines can reach without a token: config check and serve name inbound.token and the fix, exit 3', async () => {
    const file = join(dir, 'exposed.json');
    writeFileSync(file, JSON.stringify({ inbound: { enabled: true, listen: ['0.0.0.0'] } }));
    const fix = 'inbound.token is unset but inbound.listen includes 0.0.0.0, which other machines can reach; set inbound.token';
    const check = await runCli(['config', 'check', file]);
    expect(check.code, check.stderr).toBe(3);
    expect(check.stdout).not.toContain('ok');
    expect(check.stderr).toContain(fix);
    const serve = await runCli(['serve', '--config', file, '--port', '0', '--data', ':memory:']);
    expect(serve.code, serve.stderr).toBe(3);
    expect(serve.stderr).toContain(fix);
    expect(serve.stderr).not.toMatch(/unexpected error|\n\s+at /);
    expect(serve.stdout).not.toContain('listening on');
  });

  it('config check points at a JSON syntax error by line and column', async () => {
    const file = join(dir, 'syntax.json');
    writeFileSync(file, '{\n  "inbound": {\n    "port": 1,\n  }\n}\n');
    const result = await runCli(['config', 'check', file]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('not valid JSON at line 4 column 3');
    const asJson = JSON.parse((await runCli(['--json', 'config', 'check', file])).stderr) as { issues: { message: string }[] };
    expect(asJson.issues[0]!.message).toMatch(/^not valid JSON at line 4 column 3/);
  });

  it('config init onto an existing file is a usage error, exit 2', async () => {
    const file = join(dir, 'exists.json');
    writeFileSync(file, '{}');
    const result = await runCli(['config', 'init', '--out', file]);
    expect(result.code).toBe(2);
    expect(expectOneLine(result)).toContain('pass --force to replace it');
    expect((await runCli(['config', 'init', '--out', file, '--force'])).code).toBe(0);
  });
});
