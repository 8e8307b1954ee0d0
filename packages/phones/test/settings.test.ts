import { describe, expect, it } from 'vitest';
import { DeskPhoneLineSchema, deskPhoneSetupText, deskphoneLinePlugin, eventSecret, type DeskPhoneSettings } from '../src/index.js';

const valid = {
  type: 'deskphone',
  vendor: 'snom',
  protocol: 'http',
  url: 'http://192.0.2.10',
  username: 'admin',
  password: 'pw',
  account: '987@example.com',
  callback: { listen: '0.0.0.0', port: 61235, url: 'http://192.0.2.5:61235' },
  provision: true,
};

function messages(input: unknown): string[] {
  const result = DeskPhoneLineSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('deskphone settings (the public contract of issue 11)', () => {
  it('takes the contract example as written', () => {
    expect(DeskPhoneLineSchema.parse(valid)).toMatchObject({ vendor: 'snom', protocol: 'http', provision: true, callback: { port: 61235 } });
  });

  it('refuses protocol csta at load, saying it is not available yet (no silent fallback to http)', () => {
    expect(messages({ ...valid, protocol: 'csta' })).toEqual(['protocol: protocol "csta" (uaCSTA over SIP) is not available yet in this build; use "http"']);
  });

  it('names the field and the fix for bad values', () => {
    expect(messages({ ...valid, vendor: 'fanvil' })).toEqual(['vendor: vendor must be "snom", "yealink" or "grandstream"']);
    expect(messages({ ...valid, url: 'http://admin:pw@192.0.2.10' })[0]).toMatch(/^url: .*no path or user:password@/);
    expect(messages({ ...valid, account: '987' })[0]).toMatch(/^account: .*user@domain/);
    expect(messages({ ...valid, callback: { ...valid.callback, port: 0 } })[0]).toMatch(/^callback\.port: .*the phone must know it/);
    expect(messages({ ...valid, callback: { ...valid.callback, url: 'http://192.0.2.5:61235/x' } })[0]).toMatch(/^callback\.url: .*no path/);
    expect(messages({ ...valid, callback: undefined })[0]).toMatch(/^callback: /);
    expect(messages({ ...valid, extra: 1 }).length).toBe(1);
  });

  it('declares the password a secret bound to the phone url and login', () => {
    expect(deskphoneLinePlugin.secrets?.fields).toEqual(['password']);
    expect(deskphoneLinePlugin.secrets?.account?.({ ...valid })).toBe('admin at http://192.0.2.10');
  });

  it('derives a stable per-line secret that changes with the password, line and callback', () => {
    const settings: DeskPhoneSettings = { id: 'desk-12', ...DeskPhoneLineSchema.parse(valid) };
    const secret = eventSecret(settings);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(eventSecret({ ...settings })).toBe(secret);
    expect(eventSecret({ ...settings, password: 'other' })).not.toBe(secret);
    expect(eventSecret({ ...settings, id: 'desk-13' })).not.toBe(secret);
  });

  it('writes setup text per vendor: setting names, values, allow-list and prompt, unverified names marked', () => {
    const snom: DeskPhoneSettings = { id: 'desk-12', ...DeskPhoneLineSchema.parse(valid) };
    const text = deskPhoneSetupText(snom);
    expect(text).toContain(`action_incoming_url = http://192.0.2.5:61235/phone/${eventSecret(snom)}/incoming?remote=$remote&`);
    expect(text).toMatch(/action_hold_url = .*\[unverified setting name\]/);
    expect(text).toContain('D8xx');
    const yealink: DeskPhoneSettings = { ...snom, vendor: 'yealink' };
    const yText = deskPhoneSetupText(yealink);
    expect(yText).toContain('Action URI Allow IP List (features.action_uri_limit_ip): add 192.0.2.5');
    expect(yText).toContain('features.show_action_uri_option = 0');
    expect(yText).toMatch(/action_url\.incoming_call = http:\/\/192\.0\.2\.5:61235\/phone\/[A-Za-z0-9_-]+\/incoming\?remote=\$remote&.*callid=\$call_id/);
    const gs = deskPhoneSetupText({ ...snom, vendor: 'grandstream' });
    expect(gs).toMatch(/Incoming Call = 192\.0\.2\.5:61235\/phone\/[A-Za-z0-9_-]+\/incoming\/remote=\$remote&/);
    expect(gs).toContain('Remote Control Pop up Window Support = Disabled');
  });
});
