import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@callhook/test-support';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'callhook-cli-'));

const CALL = {
  guid: '1399c8c8-cf9e-7ebe-b64f-d12b1f7bea35',
  direction: 'inbound',
  localParty: '303-14943821',
  localAlias: '"Michael" (303)',
  remoteParty: '420',
  remoteAlias: '"Michael D785" (420)',
  state: 'ended',
  holdState: 'off_hold',
  createdAt: '2019-03-25T09:34:22.000Z',
  connectedAt: '2019-03-25T09:34:27.000Z',
  disconnectedAt: '2019-03-25T09:34:34.000Z',
};

describe('callhook (offline commands)', () => {
  it('prints its version and help with examples and exit codes', async () => {
    expect(await runCli(['--version'])).toMatchObject({ code: 0, stdout: '0.1.0\n' });
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:');
    expect(help.stdout).toContain('Exit codes:');
    expect((await runCli(['dial', '--help'])).stdout).toContain('Example:');
    // Two examples are "Examples:"; limits say their range; config check shows --json.
    expect((await runCli(['expand', '--help'])).stdout).toMatch(/\nExamples:\n {2}\$ callhook expand .*\n {2}\$ callhook expand /);
    expect((await runCli(['calls', '--help'])).stdout).toContain('recent calls to show (1–1000)');
    expect((await runCli(['config', 'check', '--help'])).stdout).toContain('$ callhook --json config check callhook.json');
  });

  it('exits 2 on usage errors', async () => {
    expect((await runCli(['frobnicate'])).code).toBe(2);
    expect((await runCli(['expand', '--template', 'http://x/'])).code).toBe(2);
    const both = await runCli(['serve', '--demo', '--config', 'x.json']);
    expect(both.code).toBe(2);
    expect((await runCli(['serve'])).stderr).toContain('--config FILE');
  });

  it('reports usage errors as one JSON line with --json', async () => {
    for (const args of [
      ['--json', 'frobnicate'],
      ['dial', '--json'],
    ]) {
      const result = await runCli(args);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(JSON.parse(result.stderr)).toMatchObject({ ok: false, code: 'usage', message: expect.stringMatching(/frobnicate|target/) });
    }
  });

  it('expands a template for a call file', async () => {
    const file = join(dir, 'call.json');
    writeFileSync(file, JSON.stringify(CALL));
    const template =
      'http://crm.example/in?from=<$remote_party>&alias=<$remote_alias>&d=<$call_duration_seconds>&t=<$call_created_time>&a=<$action>&b=<base64($remote_party)>';
    const result = await runCli(['expand', '--template', template, '--call', file, '--action', 'disconnected'], { TZ: 'Europe/Berlin' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('http://crm.example/in?from=420&alias=%22Michael%20D785%22%20(420)&d=7&t=2019-03-25T10-34-22&a=disconnected&b=NDIw\n');
    const json = await runCli(['--json', 'expand', '--template', 'http://x/?g=<$call_guid>', '--call', file, '--action', 'inbound']);
    expect(JSON.parse(json.stdout)).toEqual({ ok: true, url: `http://x/?g=${CALL.guid}` });
    const capped = await runCli(['expand', '--template', 'http://x/?a=<$remote_alias>', '--call', file, '--action', 'inbound', '--max-value-length', '16']);
    expect(capped.stdout).toBe('http://x/?a=%22Michael%20D785%22%20(\n');
  });

  it("expands against what callhook calls --json and GET /api/v1/calls return, the manual's state names, and the sample call", async () => {
    const tpl = 'http://x/?n=<$remote_party>&d=<$call_duration_seconds>';
    const expandFile = async (json: unknown, ...extra: string[]) => {
      const file = join(dir, `calls-${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(file, JSON.stringify(json));
      return runCli(['expand', '--template', tpl, '--call', file, '--action', 'disconnected', ...extra]);
    };
    const other = { ...CALL, guid: '1399c8c8-cf9e-7ebe-b64f-d12b1f7bea36', remoteParty: '421' };
    expect(await expandFile({ ok: true, active: [], recent: [CALL] })).toMatchObject({ code: 0, stdout: 'http://x/?n=420&d=7\n' });
    expect(await expandFile({ ok: true, call: CALL })).toMatchObject({ code: 0, stdout: 'http://x/?n=420&d=7\n' });
    expect(await expandFile([CALL])).toMatchObject({ code: 0, stdout: 'http://x/?n=420&d=7\n' });
    expect(await expandFile({ ...CALL, state: 'disconnected' })).toMatchObject({ code: 0, stdout: 'http://x/?n=420&d=7\n' });
    const two = await expandFile({ ok: true, active: [other], recent: [CALL] });
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('holds 2 calls; pick one with --guid');
    expect(await expandFile({ ok: true, active: [other], recent: [CALL] }, '--guid', other.guid)).toMatchObject({ code: 0, stdout: 'http://x/?n=421&d=7\n' });
    expect((await expandFile({ ok: true, active: [], recent: [] })).stderr).toContain('holds no call');
    const sample = await runCli(['expand', '--template', 'http://x/?a=<$remote_alias>&g=<$call_guid>', '--sample', '--action', 'inbound']);
    expect(sample.code).toBe(0);
    expect(sample.stdout).toMatch(/^http:\/\/x\/\?a=%22Michael%20D785%22%20\(420\)&g=[0-9a-f-]{36}\n$/);
    expect((await runCli(['expand', '--template', tpl, '--action', 'inbound'])).code).toBe(2);
  });

  it('exits 3 with the offset and a caret for a bad template, 2 for a bad action or call file', async () => {
    const file = join(dir, 'call2.json');
    writeFileSync(file, JSON.stringify(CALL));
    const bad = await runCli(['expand', '--template', 'http://x/?n=<$nope>', '--call', file, '--action', 'inbound']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('^');
    expect((await runCli(['expand', '--template', 'http://x/', '--call', file, '--action', 'ringing'])).code).toBe(2);
    writeFileSync(join(dir, 'broken.json'), '{"guid": 1}');
    const broken = await runCli(['expand', '--template', 'http://x/', '--call', join(dir, 'broken.json'), '--action', 'inbound']);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('guid');
    const missing = await runCli(['expand', '--template', 'http://x/', '--call', join(dir, 'no-such-call.json'), '--action', 'inbound']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      `error cannot read --call ${join(dir, 'no-such-call.json')}: no such file; save a call with: callhook calls --json > call.json, or use --sample\n`,
    );
  });

  it('prints the settings JSON Schema', async () => {
    const result = await runCli(['config', 'schema']);
    expect(result.code).toBe(0);
    const schema = JSON.parse(result.stdout) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['actionUrls', 'inbound', 'line']));
  });

  it('writes a starter file with a token that config check accepts', async () => {
    const file = join(dir, 'callhook.json');
    expect((await runCli(['config', 'init', '--out', file])).code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const settings = JSON.parse(readFileSync(file, 'utf8')) as { inbound: { token: string } };
    expect(settings.inbound.token.length).toBeGreaterThanOrEqual(16);
    expect((await runCli(['config', 'init', '--out', file])).code).toBe(2);
    const check = await runCli(['config', 'check', file]);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('ok');
    const printed = await runCli(['config', 'init']);
    expect(JSON.parse(printed.stdout).inbound.token).not.toBe(settings.inbound.token);
    // The example slot shows its delivery defaults, retries with their back-off among them.
    expect(JSON.parse(printed.stdout).actionUrls.slots[0]).toMatchObject({
      method: 'GET',
      timeoutMs: 5_000,
      retries: { max: 8, backoffMs: 1_000, maxBackoffMs: 60_000 },
    });
  });

  it('config check exits 3 naming each bad field', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ inbound: { port: 70000, tokn: 'x' }, actionUrls: { slots: [{ on: 'ringing', url: 'http://x/<$nope>' }] } }));
    const result = await runCli(['config', 'check', file]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('inbound.port');
    expect(result.stderr).toContain('"tokn"');
    expect(result.stderr).toContain('actionUrls.slots[0].on');
    const json = await runCli(['--json', 'config', 'check', file]);
    expect(JSON.parse(json.stderr)).toMatchObject({ ok: false, code: 'invalid_settings' });
    const missing = await runCli(['config', 'check', join(dir, 'missing.json')]);
    expect(missing.code).toBe(3);
    // One line naming the file and the fix: no field of the settings is at fault.
    expect(missing.stderr).toBe(`error cannot read ${join(dir, 'missing.json')}: no such file; create one with: callhook config init --out FILE\n`);
    // A directory given for the file: said so with the fix, by config check and serve alike (not Node's EISDIR text).
    for (const args of [
      ['config', 'check', dir],
      ['serve', '--config', dir, '--port', '0', '--data', ':memory:'],
    ]) {
      const folder = await runCli(args);
      expect(folder.code, folder.stderr).toBe(3);
      expect(folder.stderr).toBe(`error cannot read ${dir}: it is a directory; pass the settings file itself (callhook config init --out FILE writes one)\n`);
    }
  });

  it('config check and serve never print a secret of the file', async () => {
    const file = join(dir, 'secrets.json');
    const secrets = ['inbound-token-0123456789', 'Bearer crm-bearer-value', 'slot-signing-secret-0123', 'sip-password-value'];
    writeFileSync(
      file,
      JSON.stringify({
        inbound: { token: secrets[0] },
        actionUrls: { slots: [{ on: 'inbound', url: 'http://127.0.0.1:9/in', headers: { Authorization: secrets[1] }, secret: secrets[2] }] },
        line: { type: 'sip', aor: 'sip:303@127.0.0.1', password: secrets[3] },
      }),
    );
    const json = await runCli(['--json', 'config', 'check', file]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).settings).toMatchObject({
      inbound: { token: { set: true } },
      lines: [{ id: 'default', type: 'sip', password: { set: true } }],
    });
    const plain = await runCli(['config', 'check', file]);
    for (const secret of secrets) expect(json.stdout + plain.stdout + plain.stderr).not.toContain(secret);
    // V8 quotes the text around a JSON syntax error; a password there must not reach the terminal.
    writeFileSync(file, 'hunter2-password');
    const broken = await runCli(['config', 'check', file]);
    expect(broken.code).toBe(3);
    expect(broken.stderr).toMatch(/not valid JSON at line 1 column 1: Unexpected token/);
    expect(broken.stderr).not.toContain('hunter2');
    writeFileSync(file, JSON.stringify({ line: { type: 'sip', aor: 'sip:303:hunter2@127.0.0.1' } }));
    const served = await runCli(['serve', '--config', file, '--data', ':memory:']);
    expect(served.code).toBe(3);
    expect(served.stderr).toContain('line.aor: a password does not belong in the address of record');
    expect(served.stderr).not.toContain('hunter2');
  });

  it('serve exits 3 on bad settings, naming the field, before binding anything', async () => {
    const file = join(dir, 'bad-serve.json');
    writeFileSync(file, JSON.stringify({ inbound: { enabled: true, port: 0 } }));
    const bad = await runCli(['serve', '--config', file, '--data', ':memory:']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('inbound.port');
    expect(bad.stdout).toBe('');
    writeFileSync(file, JSON.stringify({ line: { type: 'sip', aor: '303@127.0.0.1' } }));
    const sip = await runCli(['serve', '--config', file, '--data', ':memory:']);
    expect(sip.code).toBe(3);
    expect(sip.stderr).toContain('line.aor');
    expect((await runCli(['serve', '--config', join(dir, 'nope.json')])).stderr).toContain('callhook config init');
  });

  it('exits 4 when no instance is running', async () => {
    const closed = await freePort(); // bound and released: nothing listens there
    const result = await runCli(['dial', '123', '--url', `http://127.0.0.1:${closed}`]);
    expect(result.code).toBe(4);
    expect(result.stderr).toBe(`error cannot reach http://127.0.0.1:${closed}: ECONNREFUSED; is "callhook serve" running there?\n`);
  });

  it('exits 4 naming the port when --url names one fetch() refuses', async () => {
    const result = await runCli(['dial', '123', '--url', 'http://127.0.0.1:9']);
    expect(result.code).toBe(4);
    expect(result.stderr).toBe(
      'error cannot reach http://127.0.0.1:9: fetch() refuses port 9 (a "bad port" of the Fetch standard) and callhook serve never listens on one; check --url or CALLHOOK_URL\n',
    );
  });
});
