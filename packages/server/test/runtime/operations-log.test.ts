import { loadSettings, type EngineEvent, type Logger } from '@callhook/core';
import { afterEach, describe, expect, it } from 'vitest';
import { changedSettingsFields } from '../../src/console/settings-changes.js';
import { updateSettings } from '../../src/console/settings-update.js';
import { logOperations } from '../../src/runtime/operations-log.js';
import { unsavedSettings } from '../../src/settings/settings-file.js';
import { testApp, testSettings, TOKEN, type TestApp } from '../support/test-app.js';

let t: TestApp | undefined;
afterEach(async () => t?.close());

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (level, message) => void lines.push(`${level} ${message}`) };
}

describe('operations log in plain words', () => {
  it('says which delivery failed, where to (no query) and why, and that it will retry', async () => {
    t = await testApp(
      testSettings(
        {},
        {
          actionUrls: {
            enabled: true,
            slots: [{ on: 'inbound', url: 'http://127.0.0.1:9/crm?key=SECRET&n=<$remote_party>', retries: { max: 1, backoffMs: 10 } }],
          },
        },
      ),
    );
    t.fetcher.respond = async () => ({ status: 503 });
    const logger = recordingLogger();
    const off = logOperations(t.engine, logger);
    t.line.incoming('420', 'Anna Schmidt');
    await t.engine.dispatcher.drain(5_000);
    off();
    expect(logger.lines).toEqual([
      'info Action URL 1 (inbound) to http://127.0.0.1:9/crm: attempt 1 failed (the receiver answered HTTP 503); retrying',
      "warn Action URL 1 (inbound) to http://127.0.0.1:9/crm failed after 2 attempts: the receiver answered HTTP 503; see the console's Deliveries page to replay it",
    ]);
    expect(logger.lines.join('\n')).not.toContain('SECRET');
  });

  it('says when a line cannot register and when it is registered again, once each', async () => {
    // The engine's own event stream, fed by hand: a SIP line's registrar is not needed to say what it said.
    let listener: (event: EngineEvent) => void = () => undefined;
    const engine = { on: (l: (event: EngineEvent) => void) => ((listener = l), () => undefined) };
    const logger = recordingLogger();
    const off = logOperations(engine, logger);
    const emit = (state: 'ready' | 'failed', detail: string) => listener({ type: 'line', lineId: 'default', status: { state, detail } });
    emit('ready', 'simulated line');
    emit('failed', '401 Unauthorized from pbx.example:5060');
    emit('ready', 'registered at pbx.example:5060');
    emit('ready', 'registered at pbx.example:5060');
    off();
    expect(logger.lines).toEqual([
      'warn line "default" could not register: 401 Unauthorized from pbx.example:5060; calls on it will fail until it registers',
      'info line "default" is registered again: registered at pbx.example:5060',
    ]);
  });

  it('names the settings fields a save changed, secrets by name only', async () => {
    t = await testApp(testSettings({ token: TOKEN }));
    const logger = recordingLogger();
    const newToken = 'a-brand-new-token-0123456789';
    await updateSettings(t.engine, unsavedSettings, { ...testSettings({ token: newToken, duplicateWindowMs: 9_000, port: 61299 }) }, { logger });
    const line = logger.lines.find((l) => l.includes('settings changed'));
    expect(line).toBe('info settings changed: inbound.port, inbound.token (secret), inbound.duplicateWindowMs; waiting for a restart: inbound.port');
    expect(logger.lines.join('\n')).not.toContain(newToken);
    expect(logger.lines.join('\n')).not.toContain(TOKEN);
  });

  it('lists slot fields and slot secrets by their place', () => {
    const before = loadSettings({ actionUrls: { slots: [{ on: 'inbound', url: 'http://a/', secret: 'sixteen-chars-secret-1' }] } }).settings;
    const after = loadSettings({
      actionUrls: { slots: [{ on: 'inbound', url: 'http://b/', secret: 'sixteen-chars-secret-2', headers: { 'X-Crm': 'a' } }] },
    }).settings;
    expect(changedSettingsFields(before, after)).toEqual([
      'actionUrls.slots[0].url',
      'actionUrls.slots[0].headers.X-Crm',
      'actionUrls.slots[0].secret (secret)',
    ]);
  });
});
