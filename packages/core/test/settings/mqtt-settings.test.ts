import { describe, expect, it } from 'vitest';
import { createMaskedSettingsSchema, loadSettings, maskSettings, restoreSecrets, SettingsError } from '../../src/index.js';

/** The issues `loadSettings` names for `mqtt` (path and message), or [] when it loads. */
function issuesOf(mqtt: unknown): { path: string; message: string }[] {
  try {
    loadSettings({ mqtt });
    return [];
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    return error.issues.map((issue) => ({ path: issue.path, message: issue.message }));
  }
}

describe('mqtt settings', () => {
  it('fills the defaults around a broker URL and leaves mqtt out when absent', () => {
    expect(loadSettings({ mqtt: { url: 'mqtt://127.0.0.1:1883' } }).settings.mqtt).toEqual({
      url: 'mqtt://127.0.0.1:1883',
      topicPrefix: 'callhook',
      clientId: null,
      username: null,
      password: null,
      ca: null,
      qos: 1,
      homeAssistant: false,
    });
    expect(loadSettings({}).settings.mqtt).toBeUndefined();
    for (const url of ['mqtts://broker.lan:8883', 'ws://127.0.0.1:8080/mqtt', 'wss://broker.example.com/mqtt']) expect(issuesOf({ url })).toEqual([]);
  });

  it('names the field and the fix for each mistake', () => {
    expect(issuesOf({ url: 'http://broker:1883' })[0]).toMatchObject({ path: 'mqtt.url', message: expect.stringContaining('mqtt://host:1883') });
    expect(issuesOf({ url: 'mqtt://bob:pw@broker' })[0]).toMatchObject({ path: 'mqtt.url', message: expect.stringContaining('"username" and "password"') });
    expect(issuesOf({ url: 'mqtt://b', topicPrefix: 'home/+/x' })[0]).toMatchObject({
      path: 'mqtt.topicPrefix',
      message: expect.stringContaining('without +, #'),
    });
    expect(issuesOf({ url: 'mqtt://b', topicPrefix: '$SYS' })[0]?.path).toBe('mqtt.topicPrefix');
    expect(issuesOf({ url: 'mqtt://b', topicPrefix: 'a//b' })[0]?.path).toBe('mqtt.topicPrefix');
    expect(issuesOf({ url: 'mqtt://b', qos: 3 })[0]).toMatchObject({ path: 'mqtt.qos', message: expect.stringContaining('0, 1 or 2') });
    expect(issuesOf({ url: 'mqtt://b', password: 'secret' })[0]).toMatchObject({ path: 'mqtt.password', message: expect.stringContaining('needs a username') });
    expect(issuesOf({ url: 'mqtt://b', ca: '-----BEGIN CERTIFICATE-----\nx' })[0]).toMatchObject({
      path: 'mqtt.ca',
      message: expect.stringContaining('mqtts://'),
    });
    expect(issuesOf({ url: 'mqtt://b', clientId: 'has space' })[0]?.path).toBe('mqtt.clientId');
    expect(issuesOf({ url: 'mqtt://b', topic: 'x' })[0]?.path).toContain('mqtt');
  });

  it('masks the password and keeps it only for the same broker and user', () => {
    const stored = loadSettings({ mqtt: { url: 'mqtt://broker.lan:1883', username: 'callhook', password: 'hunter22' } }).settings;
    const masked = maskSettings(stored);
    expect(masked.mqtt?.password).toEqual({ set: true });
    expect(JSON.stringify(masked)).not.toContain('hunter22');
    expect(createMaskedSettingsSchema().safeParse(masked).success).toBe(true);

    const back = restoreSecrets(masked, stored) as { mqtt: { password: string } };
    expect(back.mqtt.password).toBe('hunter22');
    expect(() => restoreSecrets({ ...masked, mqtt: { ...masked.mqtt, url: 'mqtt://evil.example:1883' } }, stored)).toThrow(/broker URL or username changed/);
    expect(() => restoreSecrets({ ...masked, mqtt: { ...masked.mqtt, username: 'other' } }, stored)).toThrow(/broker URL or username changed/);
    const none = loadSettings({ mqtt: { url: 'mqtt://broker.lan:1883' } }).settings;
    expect(() => restoreSecrets(masked, none)).toThrow(/none is stored/);
  });
});
