import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServe, type Served, stopServed } from './support/cli.js';
import { startReceiver, waitFor } from '@callhook/test-support';
import { freeSipPort } from './support/sipp.js';

const TOKEN = 'signals-test-token-0123456789';
/** The default `--drain-ms`. */
const DRAIN_MS = 5_000;
/**
 * Stopping may take the drain bound plus closing; this margin only catches a stop that waits for
 * something else (a SIP transaction took 32 s), it is not a speed target.
 */
const MARGIN_MS = 10_000;

let served: Served | null = null;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  await stopServed(served);
  served = null;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function settingsFile(settings: Record<string, unknown>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'callhook-signals-')), 'callhook.json');
  writeFileSync(file, JSON.stringify(settings));
  return file;
}

function simulatorSettings(slots: Record<string, unknown>[]): Record<string, unknown> {
  return {
    actionUrls: { enabled: true, slots },
    inbound: { enabled: true, listen: ['127.0.0.1'], token: TOKEN, duplicateWindowMs: 0 },
    line: { type: 'simulator', answerAfterMs: null },
  };
}

async function api(served: Served, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${served.urls[0]}api/v1/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.json();
}

/** Sends SIGTERM and resolves with the exit code and how long the exit took. */
async function terminate(child: Served): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  child.child.kill('SIGTERM');
  const code = await child.exited;
  return { code, ms: Date.now() - started };
}

describe('callhook serve and signals', () => {
  it('SIGTERM with a retry in a long back-off: exits 0 within the drain bound; the next serve on the same --data delivers it', async () => {
    const receiver = await startReceiver((_req, res) => {
      res.statusCode = 503;
      res.end('busy');
    });
    cleanups.push(receiver.close);
    const data = mkdtempSync(join(tmpdir(), 'callhook-signals-data-'));
    const file = settingsFile(simulatorSettings([{ on: 'inbound', url: `${receiver.url}/hook?g=<$call_guid>`, retries: { max: 3, backoffMs: 600_000 } }]));
    served = await startServe(['--config', file, '--port', '0', '--data', data, '--no-console'], 1);
    await api(served, 'simulator/incoming', { from: '420' });
    await waitFor(async () => {
      const { deliveries } = (await api(served!, 'deliveries')) as { deliveries: { status: number | null; final: boolean }[] };
      return deliveries.some((d) => d.status === 503 && !d.final);
    }, 'the 503 to be recorded with a retry pending');

    const { code, ms } = await terminate(served);
    console.info(`SIGTERM with a retry in back-off: exited ${code} after ${ms} ms (--drain-ms ${DRAIN_MS})`);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(DRAIN_MS + MARGIN_MS);
    expect(served.stderr()).toContain('deliveries still pending stay in the outbox');
    expect(receiver.received).toHaveLength(1);

    receiver.setHandler((_req, res) => res.end('ok'));
    served = await startServe(['--config', file, '--port', '0', '--data', data, '--no-console'], 1);
    await waitFor(() => receiver.received.length === 2, 'the retry delivered by the next serve');
    const [first, second] = receiver.received;
    expect(second!.url).toBe(first!.url);
    expect(second!.headers['idempotency-key']).toBe(first!.headers['idempotency-key']);
    expect((await terminate(served)).code).toBe(0);
  });

  it.each([
    ['udp', 'its REGISTER unanswered (closed port)', 'registering'],
    ['tcp', 'its REGISTER refused (closed port)', 'failed'],
  ] as const)('SIGTERM while the SIP line registers over %s, %s: exits 0 within the drain bound', async (transport, _what, state) => {
    const [sipPort, closedPort] = [await freeSipPort(), await freeSipPort()];
    const file = settingsFile({
      actionUrls: { enabled: true, slots: [] },
      inbound: { enabled: true, listen: ['127.0.0.1'] },
      line: { type: 'sip', aor: 'sip:303@127.0.0.1', port: sipPort, transport, registrar: `127.0.0.1:${closedPort}`, password: 'secret-password' },
    });
    served = await startServe(['--config', file, '--port', '0', '--data', ':memory:', '--no-console'], 1);
    await waitFor(async () => {
      const health = (await fetch(`${served!.urls[0]}healthz`).then((r) => r.json())) as { line: { state: string } };
      return health.line.state === state;
    }, `the line to be ${state}`);

    const { code, ms } = await terminate(served);
    console.info(`SIGTERM with the registration ${state} over ${transport}: exited ${code} after ${ms} ms (--drain-ms ${DRAIN_MS})`);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(DRAIN_MS + MARGIN_MS);
    expect(served.stderr()).toContain('stopped');
  });

  it('a line that does not stop within --drain-ms is left behind: the process still exits 0 soon after', async () => {
    const [sipPort, closedPort] = [await freeSipPort(), await freeSipPort()];
    const file = settingsFile({
      actionUrls: { enabled: true, slots: [] },
      inbound: { enabled: true, listen: ['127.0.0.1'] },
      line: { type: 'sip', aor: 'sip:303@127.0.0.1', port: sipPort, registrar: `127.0.0.1:${closedPort}`, password: 'secret-password' },
    });
    // The unanswered REGISTER is waited for up to 3 s, longer than this bound.
    served = await startServe(['--config', file, '--port', '0', '--data', ':memory:', '--no-console', '--drain-ms', '500'], 1);
    const { code, ms } = await terminate(served);
    console.info(`SIGTERM with --drain-ms 500 and a line slower to stop: exited ${code} after ${ms} ms`);
    expect(code).toBe(0);
    expect(served.stderr()).toContain('the line "default" did not stop within 500 ms');
    expect(ms).toBeLessThan(500 + MARGIN_MS);
  });

  it('SIGHUP reloads the settings file; an invalid one is refused in one line naming the field, and the settings in use stay', async () => {
    const receiver = await startReceiver();
    cleanups.push(receiver.close);
    const slot = (path: string, extra: Record<string, unknown> = {}) => ({ on: 'inbound', url: `${receiver.url}/${path}?g=<$call_guid>`, ...extra });
    const file = settingsFile(simulatorSettings([slot('before')]));
    served = await startServe(['--config', file, '--port', '0', '--data', ':memory:', '--no-console'], 1);
    const ring = async (count: number) => {
      await api(served!, 'simulator/incoming', { from: '420' });
      await waitFor(() => receiver.received.length === count, `delivery ${count}`);
      return new URL(receiver.received[count - 1]!.url, receiver.url).pathname;
    };
    expect(await ring(1)).toBe('/before');

    writeFileSync(file, JSON.stringify(simulatorSettings([slot('after')])));
    served.child.kill('SIGHUP');
    await waitFor(() => served!.stderr().includes(`settings reloaded from ${file}`), 'the reload');
    expect(await ring(2)).toBe('/after');

    writeFileSync(file, JSON.stringify(simulatorSettings([slot('bad', { timeoutMs: 5 })])));
    served.child.kill('SIGHUP');
    await waitFor(() => served!.stderr().includes('settings not reloaded'), 'the refusal');
    const refusal = served
      .stderr()
      .split('\n')
      .filter((l) => l.includes('settings not reloaded'));
    expect(refusal).toHaveLength(1);
    expect(refusal[0]).toContain(`settings not reloaded from ${file}: actionUrls.slots[0].timeoutMs must be a whole number between 100 and 120000, got 5`);
    expect(refusal[0]).toContain('keeping the settings in use');
    expect(served.child.exitCode).toBeNull();
    expect(await ring(3)).toBe('/after');

    writeFileSync(file, '{ "actionUrls": ');
    served.child.kill('SIGHUP');
    await waitFor(
      () =>
        served!
          .stderr()
          .split('\n')
          .filter((l) => l.includes('settings not reloaded')).length === 2,
      'the refusal of broken JSON',
    );
    expect(await ring(4)).toBe('/after');

    // A typo'd field and a misspelt placeholder: each named once, the refusal still one line.
    const typo = simulatorSettings([slot('typo'), { on: 'inbound', url: `${receiver.url}/?n=<$remote_pary>` }]);
    (typo.inbound as Record<string, unknown>).enabeld = true;
    writeFileSync(file, JSON.stringify(typo));
    served.child.kill('SIGHUP');
    const refusals = () =>
      served!
        .stderr()
        .split('\n')
        .filter((l) => l.includes('settings not reloaded'));
    await waitFor(() => refusals().length === 3, 'the refusal of a typo');
    expect(refusals()[2]).toContain(`settings not reloaded from ${file}: inbound has unknown field "enabeld"`);
    expect(refusals()[2]).toContain('actionUrls.slots[1].url: unknown placeholder "<$remote_pary>"; did you mean "<$remote_party>"? (at offset');
    expect(refusals()[2]).toMatch(/keeping the settings in use$/);
    expect(await ring(5)).toBe('/after');

    const moved = simulatorSettings([slot('after')]);
    (moved.inbound as Record<string, unknown>).port = 2; // any other port (1 is one browsers refuse, so the settings refuse it)
    writeFileSync(file, JSON.stringify(moved));
    served.child.kill('SIGHUP');
    await waitFor(() => served!.stderr().includes('takes effect at the next start'), 'the restart note');

    expect((await terminate(served)).code).toBe(0);
  });

  it('SIGHUP changes the lines live as a console save does: a line added is started and fires, one removed is stopped, no restart asked', async () => {
    const receiver = await startReceiver();
    cleanups.push(receiver.close);
    const slots = [{ on: 'inbound', url: `${receiver.url}/in?line=<$line_id>` }];
    const file = settingsFile(simulatorSettings(slots));
    served = await startServe(['--config', file, '--port', '0', '--data', ':memory:', '--no-console'], 1);
    const lineIds = async () => ((await api(served!, 'lines')) as { lines: { id: string }[] }).lines.map((l) => l.id);
    expect(await lineIds()).toEqual(['default']);

    const two = {
      ...simulatorSettings(slots),
      line: undefined,
      lines: [
        { id: 'default', type: 'simulator', answerAfterMs: null },
        { id: 'lab', type: 'simulator', answerAfterMs: null },
      ],
    };
    writeFileSync(file, JSON.stringify(two));
    served.child.kill('SIGHUP');
    await waitFor(() => served!.stderr().includes(`settings reloaded from ${file}`), 'the reload');
    expect(await lineIds()).toEqual(['default', 'lab']);
    expect(served.stderr()).not.toContain('takes effect at the next start');
    await api(served, 'simulator/incoming', { from: '421', line: 'lab' });
    await waitFor(() => receiver.received.length === 1, 'the delivery from the new line');
    expect(new URL(receiver.received[0]!.url, receiver.url).search).toBe('?line=lab');

    const one = { ...simulatorSettings(slots), line: { type: 'simulator', answerAfterMs: null } };
    writeFileSync(file, JSON.stringify(one));
    served.child.kill('SIGHUP');
    await waitFor(
      () =>
        served!
          .stderr()
          .split('\n')
          .filter((l) => l.includes('settings reloaded from')).length === 2,
      'the second reload',
    );
    expect(await lineIds()).toEqual(['default']);

    expect((await terminate(served)).code).toBe(0);
  });
});
