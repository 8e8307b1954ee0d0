import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, runCliAsync, spawnCli, startServe, type Served, stopServed } from './support/cli.js';
import { startReceiver, waitFor } from '@callhook/test-support';

const TOKEN = 'cli-test-token-0123456789';
let served: Served | null = null;
let closeReceiver: (() => Promise<void>) | null = null;

afterEach(async () => {
  await stopServed(served);
  served = null;
  await closeReceiver?.();
  closeReceiver = null;
});

function configFile(receiverUrl: string, slots: Record<string, unknown>[] = [], extra: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'callhook-serve-'));
  const file = join(dir, 'callhook.json');
  writeFileSync(
    file,
    JSON.stringify({
      actionUrls: { enabled: true, slots: slots.map((s) => ({ url: `${receiverUrl}/hook?a=<$action>&g=<$call_guid>`, ...s })) },
      inbound: { enabled: true, port: 61234, listen: ['127.0.0.1', '::1'], actions: { make_call: true, hangup: true }, token: TOKEN, duplicateWindowMs: 0 },
      line: { type: 'simulator', answerAfterMs: null },
      ...extra,
    }),
  );
  return file;
}

describe('callhook serve', () => {
  it('prints one "listening on" line per address and answers the client commands', async () => {
    served = await startServe(['--demo', '--port', '0', '--data', ':memory:']);
    expect(served.urls).toHaveLength(2);
    expect(served.urls[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(served.urls[1]).toMatch(/^http:\/\/\[::1\]:\d+\/$/);
    expect(served.stdout().split('\n').filter(Boolean)).toHaveLength(2);
    await waitFor(() => /token: \S+/.test(served!.stderr()), 'the demo banner');
    const token = /token: (\S+)/.exec(served.stderr())![1]!;
    // The console address opens signed in (the console reads #token= and drops it from the address).
    expect(served.stderr()).toContain(`${served.urls[0]}console/#token=${token}`);
    const env = { CALLHOOK_URL: served.urls[1]!, CALLHOOK_TOKEN: token };

    const tail = spawnCli(['--json', 'tail', '--count', '3'], env);
    // The stream opens with the line's status: once that is printed, tail is subscribed.
    await waitFor(() => tail.stdout().includes('\n'), 'tail to subscribe');
    const incoming = await runCliAsync(['--json', 'simulate', 'incoming', '--from', '420', '--name', 'Michael D785'], env);
    expect(incoming.code).toBe(0);
    expect(JSON.parse(incoming.stdout)).toMatchObject({ ok: true, call: { remoteAlias: '"Michael D785" (420)', state: 'ringing' } });
    const events = await tail.result;
    expect(events.code).toBe(0);
    const types = events.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { type: string }).type);
    expect(types).toEqual(['line', 'call', 'delivery']);

    expect((await runCliAsync(['simulate', 'answer'], env)).stdout).toContain('connected');
    expect((await runCliAsync(['simulate', 'hangup'], env)).stdout).toContain('ended (answered)');
    const dial = await runCliAsync(['dial', '+49 30 1234'], env);
    expect(dial.stdout).toMatch(/dialling \+49 30 1234: .* → \+49301234 ringing/);
    const calls = await runCliAsync(['--json', 'calls'], env);
    expect(JSON.parse(calls.stdout)).toMatchObject({ active: [{ remoteParty: '+49301234' }], recent: [{ disposition: 'answered' }] });
    const refused = await runCliAsync(['dial', '1', '--token', 'wrong-token-0123456789'], env);
    expect(refused.code).toBe(5);
    // The banner's "Try" URLs, followed in order, each place a call (none hits the duplicate-dial guard).
    const tryUrls = served
      .stderr()
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.includes('action=make_call'));
    expect(tryUrls).toHaveLength(2);
    for (const url of tryUrls) expect((await fetch(url)).status).toBe(200);
    const hangupUrl = served
      .stderr()
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.includes('action=hangup'))!;
    expect((await fetch(hangupUrl)).status).toBeLessThan(500);

    served.child.kill('SIGINT');
    expect(await served.exited).toBe(0);
  });

  it('does not bind when the listener is disabled', async () => {
    const file = configFile('http://127.0.0.1:9', [], {});
    const settings = JSON.parse((await import('node:fs')).readFileSync(file, 'utf8'));
    settings.inbound.enabled = false;
    writeFileSync(file, JSON.stringify(settings));
    served = await startServe(['--config', file, '--data', ':memory:'], 0);
    await waitFor(() => served!.stderr().includes('nothing is listening'), 'the warning');
    expect(served.stdout()).toBe('');
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
  });

  it('drains deliveries on SIGTERM before exiting 0', async () => {
    const receiver = await startReceiver((_req, res) => setTimeout(() => res.end('ok'), 600));
    closeReceiver = receiver.close;
    const file = configFile(receiver.url, [{ on: 'disconnected', timeoutMs: 5_000 }]);
    served = await startServe(['--config', file, '--port', '0', '--data', ':memory:']);
    const env = { CALLHOOK_URL: served.urls[0]!, CALLHOOK_TOKEN: TOKEN };
    const dial = await runCliAsync(['dial', '123'], env);
    expect(dial.code).toBe(0);
    const started = Date.now();
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(receiver.received.map((r) => new URL(r.url, 'http://x').searchParams.get('a'))).toEqual(['disconnected']);
    expect(served.stderr()).toContain('stopped');
  });

  it('finishes outbox deliveries after kill -9, with the same Idempotency-Key', async () => {
    const receiver = await startReceiver(() => undefined); // hangs: the delivery stays in flight
    closeReceiver = receiver.close;
    const data = mkdtempSync(join(tmpdir(), 'callhook-data-'));
    const file = configFile(receiver.url, [{ on: 'outbound', timeoutMs: 60_000 }]);
    served = await startServe(['--config', file, '--port', '0', '--data', data]);
    expect((await runCliAsync(['dial', '123', '--url', served.urls[0]!, '--token', TOKEN])).code).toBe(0);
    await waitFor(() => receiver.received.length === 1, 'the first attempt');
    served.child.kill('SIGKILL');
    await served.exited;

    receiver.setHandler((_req, res) => res.end('ok'));
    served = await startServe(['--config', file, '--port', '0', '--data', data]);
    await waitFor(() => receiver.received.length === 2, 'the resumed delivery');
    const [first, second] = receiver.received;
    expect(second!.headers['idempotency-key']).toBe(first!.headers['idempotency-key']);
    expect(second!.url).toBe(first!.url);
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
  });

  it('trusts a private CA for https receivers with --ca, and refuses the receiver without it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'callhook-ca-'));
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const receiver = await startReceiver(undefined, { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') });
    closeReceiver = receiver.close;
    // One attempt each: the untrusted run's refused handshake is final, not retried through the stop.
    const file = configFile(receiver.url, [{ on: 'outbound', retries: { max: 0 } }]);
    for (const trusted of [false, true]) {
      served = await startServe(['--config', file, '--port', '0', '--data', ':memory:', ...(trusted ? ['--ca', cert] : [])]);
      const env = { CALLHOOK_URL: served.urls[0]!, CALLHOOK_TOKEN: TOKEN };
      expect((await runCliAsync(['dial', trusted ? '124' : '123'], env)).code).toBe(0);
      let outcome = '';
      await waitFor(async () => {
        const deliveries = JSON.parse(
          await fetch(`${served!.urls[0]}api/v1/deliveries`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.text()),
        ) as { deliveries: { outcome: string }[] };
        outcome = deliveries.deliveries[0]?.outcome ?? '';
        return outcome !== '';
      }, 'the delivery outcome');
      expect(outcome).toBe(trusted ? 'delivered' : 'network_error');
      served.child.kill('SIGTERM');
      expect(await served.exited).toBe(0);
    }
    expect(receiver.received).toHaveLength(1);
    const notACertificate = await runCli(['serve', '--demo', '--port', '0', '--data', ':memory:', '--ca', key]);
    expect(notACertificate.code).toBe(2);
    expect(notACertificate.stderr).toContain(`--ca ${key}: no "-----BEGIN CERTIFICATE-----" block`);
  });
});
