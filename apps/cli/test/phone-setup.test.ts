import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

const desk = (id: string, vendor: string) => ({
  id,
  type: 'deskphone',
  vendor,
  url: 'http://192.0.2.10',
  password: 'pw',
  account: '987@example.com',
  callback: { listen: '0.0.0.0', port: 61235, url: 'http://192.0.2.5:61235' },
});

function settingsFile(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'callhook-phone-setup-')), 'callhook.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

describe('callhook phone setup', () => {
  it('prints the settings to enter on the phone of the named desk-phone line', async () => {
    const file = settingsFile({ lines: [desk('desk-12', 'yealink'), desk('desk-13', 'snom')] });
    const run = await runCli(['phone', 'setup', '--config', file, '--line', 'desk-12']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Desk phone line "desk-12": yealink at http://192.0.2.10, account 987@example.com');
    expect(run.stdout).toContain('features.action_uri_limit_ip): add 192.0.2.5');
    expect(run.stdout).toMatch(/action_url\.incoming_call = http:\/\/192\.0\.2\.5:61235\/phone\/[A-Za-z0-9_-]{32}\/incoming\?/);
    const json = await runCli(['--json', 'phone', 'setup', '--config', file, '--line', 'desk-13']);
    expect(JSON.parse(json.stdout)).toMatchObject({ line: 'desk-13', vendor: 'snom', text: expect.stringContaining('action_incoming_url = ') });
  });

  it('names the desk-phone lines when --line is missing or wrong, and refuses protocol csta for grandstream naming the field', async () => {
    const file = settingsFile({ lines: [desk('desk-12', 'yealink'), desk('desk-13', 'snom')] });
    const missing = await runCli(['phone', 'setup', '--config', file]);
    expect(missing.code).toBe(6);
    expect(missing.stderr).toContain('has 2 desk-phone lines; name one with --line (desk-12, desk-13)');
    const wrong = await runCli(['phone', 'setup', '--config', file, '--line', 'desk-99']);
    expect(wrong.code).toBe(6);
    const none = await runCli(['phone', 'setup', '--config', settingsFile({ line: { type: 'simulator' } })]);
    expect(none.code).toBe(6);
    expect(none.stderr).toMatch(/has no line of type "deskphone"; add one to its lines, e\.g\. \{ "id": "desk-12", "type": "deskphone"/);
    const { callback: _callback, ...noCallback } = desk('desk-12', 'grandstream');
    const csta = await runCli(['phone', 'setup', '--config', settingsFile({ lines: [{ ...noCallback, protocol: 'csta' }] })]);
    expect(csta.code).toBe(3);
    expect(csta.stderr).toContain(
      'lines[0].protocol: protocol "csta" is not available for vendor "grandstream" (Grandstream phones have no uaCSTA); use protocol "http"',
    );
  });

  it('prints what to switch on at the phone for a csta line (Snom csta_control, unverified items marked)', async () => {
    const { callback: _callback, ...noCallback } = desk('desk-12', 'snom');
    const run = await runCli(['phone', 'setup', '--config', settingsFile({ lines: [{ ...noCallback, protocol: 'csta' }] })]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('over uaCSTA (sip:987@192.0.2.10:5060)');
    expect(run.stdout).toContain('Set csta_control = on');
    expect(run.stdout).toContain('[unverified]');
  });
});
