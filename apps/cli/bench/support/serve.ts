import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Starts `node [nodeArgs] <main> serve --config <config> --data <dataDir> --port 0 --no-console` and
 * resolves once it prints `listening on`; rejects after 60 s (the child is killed then; a start on a shared machine has taken longer than 15 s).
 * `env` is added to the bench's own environment.
 */
export async function startServe(
  main: string,
  config: string,
  dataDir: string,
  nodeArgs: string[] = [],
  env: Record<string, string> = {},
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...nodeArgs, main, 'serve', '--config', config, '--data', dataDir, '--port', '0', '--no-console'], {
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, ...env },
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('serve not ready in 60 s'));
    }, 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return child;
}

/** The actions whose Action URLs the benches count at their receiver: three per call. */
export const COUNTED_ACTIONS = ['inbound', 'connected', 'disconnected'];

/**
 * Writes `callhook.json` into a fresh temporary directory (`prefix`…): a SIP line `sip:303@127.0.0.1`
 * answering by itself on `sipPort`, the inbound listener on 127.0.0.1, and one Action URL per counted
 * action to `receiverUrl` (`<receiverUrl>/<action>?guid=…&from=…`; the slots are kept but switched off when
 * `actionUrls` is false). Returns the directory and the file.
 */
export function writeSipServeConfig(
  prefix: string,
  receiverUrl: string,
  sipPort: number,
  transport: 'udp' | 'tcp' = 'udp',
  actionUrls = true,
): { dir: string; config: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const config = join(dir, 'callhook.json');
  writeFileSync(
    config,
    JSON.stringify({
      actionUrls: { enabled: actionUrls, slots: COUNTED_ACTIONS.map((on) => ({ on, url: `${receiverUrl}/${on}?guid=<$call_guid>&from=<$remote_party>` })) },
      inbound: { enabled: true, listen: ['127.0.0.1'] },
      line: { type: 'sip', aor: 'sip:303@127.0.0.1', port: sipPort, transport, autoAnswer: true },
    }),
  );
  return { dir, config };
}
