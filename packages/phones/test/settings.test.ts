import { describe, expect, it } from 'vitest';
import { cstaOf, DeskPhoneLineSchema, deskPhoneSetupText, deskphoneLinePlugin, eventSecret, type DeskPhoneSettings } from '../src/index.js';

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

  it('takes protocol csta for Snom and Yealink without callback, deriving the CSTA session from url and account', () => {
    const { callback: _callback, provision: _provision, ...csta } = valid;
    const parsed = { id: 'desk', ...DeskPhoneLineSchema.parse({ ...csta, protocol: 'csta' }) };
    expect(cstaOf(parsed)).toEqual({ uri: 'sip:987@192.0.2.10:5060', listen: '0.0.0.0', port: 0, transport: 'udp', username: '987', password: 'pw' });
    const yealink = {
      id: 'desk',
      ...DeskPhoneLineSchema.parse({
        ...csta,
        vendor: 'yealink',
        protocol: 'csta',
        csta: { uri: 'sip:12@192.0.2.11:5062', port: 5070, transport: 'tcp', username: 'u12' },
      }),
    };
    expect(cstaOf(yealink)).toMatchObject({ uri: 'sip:12@192.0.2.11:5062', port: 5070, transport: 'tcp', username: 'u12' });
  });

  it('refuses csta settings that cannot work, naming the field and the fix', () => {
    const { callback: _callback, provision: _provision, ...csta } = valid;
    expect(messages({ ...csta, vendor: 'grandstream', protocol: 'csta' })).toEqual([
      'protocol: protocol "csta" is not available for vendor "grandstream" (Grandstream phones have no uaCSTA); use protocol "http"',
    ]);
    expect(messages({ ...valid, protocol: 'csta' })).toEqual([
      'callback: callback is for protocol "http" only (with "csta" the events come over the CSTA session); remove it',
      'provision: provision writes event URLs for protocol "http" only; set it to false with protocol "csta" (switch CSTA on at the phone: callhook phone setup)',
    ]);
    expect(messages({ ...csta, protocol: 'csta', csta: { uri: '192.0.2.10' } })[0]).toMatch(/^csta\.uri: csta\.uri is the phone's SIP URI as sip:USER@HOST/);
    expect(messages({ ...csta, protocol: 'csta', csta: { port: 70000 } })[0]).toMatch(/^csta\.port: csta\.port is 0–65535/);
    expect(messages({ ...csta, protocol: 'csta', csta: { secret: 1 } })[0]).toMatch(/^csta/);
    expect(messages(csta)[0]).toMatch(/^callback: callback is required with protocol "http"/);
    expect(messages({ ...valid, csta: {} })).toEqual(['csta: csta is for protocol "csta" only; remove it or set protocol to "csta"']);
  });

  it('prints the uaCSTA setup for csta lines: what to switch on at the phone, unverified items marked', () => {
    const { callback: _callback, provision: _provision, ...csta } = valid;
    const snom = deskPhoneSetupText({ id: 'desk', ...DeskPhoneLineSchema.parse({ ...csta, protocol: 'csta' }) });
    expect(snom).toContain('csta_control = on');
    expect(snom).toContain('csta_challenge');
    expect(snom).toContain('sip:987@192.0.2.10:5060');
    expect(snom).toContain('[unverified]');
    expect(snom).not.toContain('action_incoming_url');
    const yealink = deskPhoneSetupText({ id: 'desk', ...DeskPhoneLineSchema.parse({ ...csta, vendor: 'yealink', protocol: 'csta' }) });
    expect(yealink).toContain('features.csta_control.enable = 1');
    expect(yealink).toContain('reboots');
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
