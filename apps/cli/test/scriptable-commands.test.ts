import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCliAsync, startServe, type Served, stopServed } from './support/cli.js';
import { startReceiver, waitFor } from '@callhook/test-support';

// Everything the console does, from the command line, against a real `callhook serve` child.
let served: Served | null = null;
let closeReceiver: (() => Promise<void>) | null = null;

afterEach(async () => {
  await stopServed(served);
  served = null;
  await closeReceiver?.();
  closeReceiver = null;
});

async function demo(): Promise<{ env: Record<string, string> }> {
  served = await startServe(['--demo', '--port', '0', '--data', ':memory:']);
  await waitFor(() => /token: \S+/.test(served!.stderr()), 'the demo banner');
  const token = /token: (\S+)/.exec(served.stderr())![1]!;
  return { env: { CALLHOOK_URL: served.urls[0]!, CALLHOOK_TOKEN: token } };
}

/** The parts of the commands' `--json` replies these tests read. */
interface Reply {
  ok: boolean;
  action?: string;
  call: { guid: string };
  deliveries: { deliveryId: string; callGuid: string; outcome: string }[];
}
const json = (text: string) => JSON.parse(text) as Reply;

describe('call controls, the delivery log and replay from the command line', () => {
  it('answer, hold, unhold, dtmf, transfer and hangup drive a call as the console does', async () => {
    const { env } = await demo();
    // Nothing to answer yet: a call-state error, one line, exit 6.
    const early = await runCliAsync(['answer'], env);
    expect(early.code).toBe(6);
    expect(early.stderr.trim().split('\n')).toHaveLength(1);
    expect(early.stderr).not.toMatch(/\n\s+at /);

    const ring = await runCliAsync(['--json', 'simulate', 'incoming', '--from', '420'], env);
    const guid = json(ring.stdout).call.guid;
    const answered = await runCliAsync(['answer', '--call', guid], env);
    expect(answered.code).toBe(0);
    expect(answered.stdout).toContain(`answer: ${guid}`);
    expect(answered.stdout).toContain('connected');
    expect((await runCliAsync(['hold'], env)).stdout).toContain('held');
    expect((await runCliAsync(['unhold', '--call', guid, '--line', 'default'], env)).stdout).toContain('connected');
    const dtmf = await runCliAsync(['--json', 'dtmf', '12#'], env);
    expect(dtmf.code).toBe(0);
    expect(json(dtmf.stdout)).toMatchObject({ ok: true, action: 'dtmf', call: { guid } });
    const badDigits = await runCliAsync(['dtmf', 'xyz'], env);
    expect(badDigits.code).toBe(2);
    expect(badDigits.stderr).toBe('error dtmf: digits takes 1–32 of 0-9, *, #, A-D\n');
    const noLine = await runCliAsync(['hold', '--line', 'nope'], env);
    expect(noLine.code).toBe(6);
    const transfer = await runCliAsync(['transfer', '0301234567'], env);
    expect(transfer.code).toBe(0);
    expect(transfer.stdout).toContain('ended (transferred)');

    await runCliAsync(['simulate', 'incoming', '--from', '421'], env);
    const hangup = await runCliAsync(['hangup'], env);
    expect(hangup.code).toBe(0);
    expect(hangup.stdout).toContain('ended');
    const unknown = await runCliAsync(['hangup', '--call', '1399c8c8-cf9e-7ebe-b64f-d12b1f7bea35'], env);
    expect(unknown.code).toBe(6);
    expect(unknown.stderr).toContain('1399c8c8-cf9e-7ebe-b64f-d12b1f7bea35');
  });

  it('lists deliveries (one call, failed only, JSON) and replays one', async () => {
    const receiver = await startReceiver((_req, res) => {
      res.statusCode = 500;
      res.end('down');
    });
    closeReceiver = receiver.close;
    const file = join(mkdtempSync(join(tmpdir(), 'callhook-deliveries-')), 'callhook.json');
    const token = 'cli-test-token-0123456789';
    writeFileSync(
      file,
      JSON.stringify({
        // One attempt: the test reads the one failed record (a slot retries 8 times unless told otherwise).
        actionUrls: { enabled: true, slots: [{ on: 'inbound', url: `${receiver.url}/in?from=<$remote_party>`, retries: { max: 0 } }] },
        inbound: { enabled: true, port: 61234, listen: ['127.0.0.1'], token },
        line: { type: 'simulator' },
      }),
    );
    served = await startServe(['--config', file, '--port', '0', '--data', ':memory:'], 1);
    const env = { CALLHOOK_URL: served.urls[0]!, CALLHOOK_TOKEN: token };
    const ring = await runCliAsync(['--json', 'simulate', 'incoming', '--from', '420'], env);
    const guid = json(ring.stdout).call.guid;
    await waitFor(
      async () => json((await runCliAsync(['--json', 'deliveries', '--failed'], env)).stdout).deliveries.length > 0,
      'the failed delivery in the log',
    );

    const failed = json((await runCliAsync(['--json', 'deliveries', '--failed', '--call', guid], env)).stdout);
    expect(failed.deliveries).toEqual([expect.objectContaining({ callGuid: guid, action: 'inbound', outcome: 'http_error', status: 500 })]);
    const notAGuid = await runCliAsync(['deliveries', '--call', 'nonsense'], env);
    expect(notAGuid.code).toBe(2);
    expect(notAGuid.stderr).toContain('call takes a call guid');
    const plain = await runCliAsync(['deliveries', '--failed'], env);
    expect(plain.stdout).toContain('http_error HTTP 500');

    // The receiver still failing: the record is printed and the exit code says the replay failed.
    const stillDown = await runCliAsync(['replay', failed.deliveries[0]!.deliveryId], env);
    expect(stillDown.code).toBe(8);
    expect(stillDown.stdout).toContain('http_error (HTTP 500)');
    expect(stillDown.stderr).toBe(
      'error the receiver did not take the replayed delivery (http_error); it is in the delivery log: callhook deliveries --failed\n',
    );
    const stillDownJson = await runCliAsync(['--json', 'replay', failed.deliveries[0]!.deliveryId], env);
    expect(stillDownJson.code).toBe(8);
    expect(json(stillDownJson.stdout)).toMatchObject({ record: { outcome: 'http_error', status: 500 } });
    expect(json(stillDownJson.stderr)).toMatchObject({ ok: false, code: 'delivery_failed' });

    receiver.setHandler((_req, res) => res.end('ok'));
    const replayed = await runCliAsync(['replay', failed.deliveries[0]!.deliveryId], env);
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toContain('delivered (HTTP 200)');
    expect(receiver.received.filter((r) => r.url === '/in?from=420')).toHaveLength(4);
    const all = json((await runCliAsync(['--json', 'deliveries', '--call', guid], env)).stdout);
    expect(all.deliveries.map((d) => d.outcome).sort()).toEqual(['delivered', 'http_error', 'http_error', 'http_error']);

    const gone = await runCliAsync(['replay', 'no-such-delivery'], env);
    expect(gone.code).not.toBe(0);
    expect(gone.code).not.toBe(1);
    expect(gone.stderr).toContain('no-such-delivery');
  });

  it('shows examples in the help of each new command', async () => {
    for (const command of ['answer', 'hangup', 'hold', 'unhold', 'transfer', 'dtmf', 'deliveries', 'replay']) {
      const help = await runCliAsync([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`$ callhook ${command}`);
    }
  });
});
