import { SimulatedLine, SimulatorLineSchema, simulatorLine } from '@callhook/core';
import * as z from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import { simulatorLinePlugin, systemClock, type ServerEdition } from '../../src/index.js';
import { testApp, testSettings, type TestApp } from '../support/test-app.js';

let t: TestApp;
let open = false;
afterEach(async () => {
  if (open) await t.close();
  open = false;
});

const put = (payload: object) => t.app.inject({ method: 'PUT', url: '/api/v1/settings', payload });
const lines = async () => (await t.app.inject({ url: '/api/v1/lines' })).json().lines as { id: string; type: string; status: { state: string } }[];

describe('lines over the control API', () => {
  it('lists each line with its status in /api/v1/lines and /healthz, and adds and removes lines live', async () => {
    t = await testApp();
    open = true;
    expect(await lines()).toEqual([{ id: 'default', type: 'simulator', status: { state: 'ready', detail: 'simulated line' }, setup: false }]);
    const added = await put(
      testSettings(
        {},
        {
          lines: [
            { id: 'default', type: 'simulator' },
            { id: 'lab', type: 'simulator' },
          ],
        },
      ),
    );
    expect(added.json()).toMatchObject({ ok: true, restartRequired: false, restartFields: [] });
    expect((await lines()).map((l) => [l.id, l.status.state])).toEqual([
      ['default', 'ready'],
      ['lab', 'ready'],
    ]);
    const health = (await t.app.inject({ url: '/healthz' })).json();
    expect(health.lines.map((l: { id: string }) => l.id)).toEqual(['default', 'lab']);

    const incoming = await t.app.inject({ method: 'POST', url: '/api/v1/simulator/incoming', payload: { from: '420', line: 'lab' } });
    expect(incoming.json()).toMatchObject({ call: { lineId: 'lab', state: 'ringing' } });
    const ambiguous = await t.app.inject({ method: 'POST', url: '/api/v1/simulator/incoming', payload: { from: '421' } });
    expect(ambiguous.json()).toMatchObject({ code: 'ambiguous_call', message: '2 simulator lines; name one with "line" (default, lab)' });

    const removed = await put(testSettings({}, { lines: [{ id: 'default', type: 'simulator' }] }));
    expect(removed.json()).toMatchObject({ restartRequired: false });
    expect((await lines()).map((l) => l.id)).toEqual(['default']);
    expect(t.engine.recentCalls()[0]).toMatchObject({ lineId: 'lab', state: 'ended' });
  });

  it('applies what the plugin takes live; a busy line that needs a new line answers restartRequired naming the fields', async () => {
    // A plugin whose lines take nothing live: a change needs a new line.
    const fixed = {
      ...simulatorLine,
      type: 'simulator',
      create: () => Object.assign(new SimulatedLine({ clock: systemClock, answerAfterMs: null }), { applySettings: undefined }),
      restartNeeded: undefined,
    };
    const edition: ServerEdition = { linePlugins: [{ ...fixed, routes: simulatorLinePlugin.routes }] };
    t = await testApp(testSettings({}, { line: { type: 'simulator', answerAfterMs: null } }), { edition });
    open = true;
    const line = t.engine.lines.get('default')!;
    Object.assign(line, { applySettings: undefined }); // testApp's own line: make it one of this plugin's
    // Idle: the line is rebuilt at once.
    expect((await put(testSettings({}, { line: { type: 'simulator', localParty: 'sip:304@pbx' } }))).json()).toMatchObject({ restartRequired: false });
    expect(t.engine.lines.get('default')).not.toBe(line);
    // Busy: the change waits for a restart and says which field.
    (t.engine.lines.get('default') as SimulatedLine).incoming('420');
    const busy = await put(testSettings({}, { line: { type: 'simulator', localParty: 'sip:305@pbx' } }));
    expect(busy.json()).toMatchObject({ restartRequired: true, restartFields: ['lines[0].localParty'] });
    // Common fields are always live; the port is the listener's.
    const port = await put(testSettings({ port: 61299 }, { line: { type: 'simulator', localParty: 'sip:305@pbx', callWaiting: 'none' } }));
    expect(port.json()).toMatchObject({ restartRequired: true, restartFields: ['inbound.port'] });
  });

  it("reports setup: true for the lines whose plugin declares setup text, whatever the type's name", async () => {
    // A line type not named "deskphone" that gives setup text, beside the simulator (which gives none).
    const kiosk = {
      ...simulatorLinePlugin,
      type: 'kiosk',
      settingsSchema: SimulatorLineSchema.extend({ type: z.literal('kiosk') }),
      routes: undefined,
      setup: true,
    };
    t = await testApp(testSettings(), { edition: { linePlugins: [simulatorLinePlugin, kiosk] } });
    open = true;
    const applied = await put(
      testSettings(
        {},
        {
          lines: [
            { id: 'default', type: 'simulator' },
            { id: 'front', type: 'kiosk' },
          ],
        },
      ),
    );
    expect(applied.json()).toMatchObject({ ok: true });
    const listed = (await t.app.inject({ url: '/api/v1/lines' })).json().lines as { id: string; setup: boolean }[];
    expect(listed.map((l) => [l.id, l.setup])).toEqual([
      ['default', false],
      ['front', true],
    ]);
    const types = (await t.app.inject({ url: '/api/v1/line-types' })).json().types as { type: string; setup: boolean }[];
    expect(types.map((l) => [l.type, l.setup])).toEqual([
      ['simulator', false],
      ['kiosk', true],
    ]);
  });

  it('refuses a line type the edition does not have and more slots than the edition allows', async () => {
    t = await testApp(testSettings(), { edition: { linePlugins: [simulatorLinePlugin], maxSlots: 1 } });
    open = true;
    const sip = await put(testSettings({}, { line: { type: 'sip', aor: 'sip:1@h' } }));
    expect(sip.json()).toMatchObject({
      code: 'invalid_settings',
      details: { issues: [{ path: 'line.type', message: 'the line type must be one of "simulator" in this edition' }] },
    });
    const slots = await put(
      testSettings(
        {},
        {
          actionUrls: {
            slots: [
              { on: 'inbound', url: 'http://h/' },
              { on: 'inbound', url: 'http://h/' },
            ],
          },
        },
      ),
    );
    expect(slots.json()).toMatchObject({
      code: 'invalid_settings',
      details: { issues: [{ path: 'actionUrls.slots', message: expect.stringMatching(/at most 1 Action URL slots/) }] },
    });
  });
});

describe('an edition with its own delivery sink', () => {
  it('accepts slots that name it and delivers through it', async () => {
    const { startServer } = await import('../../src/index.js');
    const { loadSettings } = await import('@callhook/core');
    const delivered: string[] = [];
    const pager = {
      mode: 'pager',
      deliver: async (d: { url: string }) => (delivered.push(d.url), { outcome: 'delivered' as const, status: null, error: null, retryable: false }),
    };
    const edition: ServerEdition = { linePlugins: [simulatorLinePlugin], sinks: [pager] };
    const { editionLimits } = await import('../../src/index.js');
    const settings = loadSettings(
      { actionUrls: { enabled: true, slots: [{ on: 'inbound', url: 'http://pager.test/page?n=<$remote_party>&line=<$line_id>', sink: 'pager' }] } },
      editionLimits(edition),
    );
    const server = await startServer({ settings, dataDir: ':memory:', edition });
    try {
      (server.engine.lines.first().line as SimulatedLine).incoming('420');
      expect(await server.engine.dispatcher.drain(30_000)).toBe(true);
      expect(delivered).toEqual(['http://pager.test/page?n=420&line=default']);
    } finally {
      await server.stop(1_000);
    }
    expect(() => loadSettings({ actionUrls: { slots: [{ on: 'inbound', url: 'http://h/', sink: 'pager' }] } })).toThrow(
      /sink "pager", which this edition does not have/,
    );
  });
});
