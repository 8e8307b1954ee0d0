import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reconnectDelayMs } from '../src/commands/tail.js';
import { runCliAsync, spawnCli, startServe, type Served, stopServed } from './support/cli.js';
import { waitFor } from '@callhook/test-support';

const TOKEN = 'tail-test-token-0123456789';
let served: Served | null = null;

afterEach(async () => {
  await stopServed(served);
  served = null;
});

describe('callhook tail', () => {
  it('backs off from 0.5 s doubling to 10 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(reconnectDelayMs)).toEqual([500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });

  it('says the connection was lost when the server stops, and picks up again when it is back', async () => {
    const config = join(mkdtempSync(join(tmpdir(), 'callhook-tail-')), 'callhook.json');
    writeFileSync(config, JSON.stringify({ inbound: { enabled: true, listen: ['127.0.0.1'], token: TOKEN }, line: { type: 'simulator' } }));
    served = await startServe(['--config', config, '--port', '0', '--data', ':memory:'], 1);
    const url = served.urls[0]!;
    const port = new URL(url).port;
    const env = { CALLHOOK_URL: url, CALLHOOK_TOKEN: TOKEN };
    const tail = spawnCli(['--json', 'tail', '--count', '3'], env);
    await waitFor(() => tail.stdout().split('\n').filter(Boolean).length >= 1, 'tail to subscribe');

    served.child.kill('SIGKILL');
    await served.exited;
    await waitFor(() => tail.stderr().includes('lost; reconnecting'), 'tail to notice');

    served = await startServe(['--config', config, '--port', port, '--data', ':memory:'], 1);
    await waitFor(() => tail.stderr().includes('reconnected'), 'tail to reconnect');
    expect((await runCliAsync(['simulate', 'incoming', '--from', '420'], env)).code).toBe(0);
    const result = await tail.result;
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/TypeError|at .*\.js/);
    const types = result.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { type: string }).type);
    expect(types.slice(0, 2)).toEqual(['line', 'line']);
    expect(types[2]).toBe('call');
  });
});
