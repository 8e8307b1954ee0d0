import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built CLI (turbo builds it before this package's tests: see turbo.json). */
export const CLI_MAIN = fileURLToPath(new URL('../../../../apps/cli/dist/main.js', import.meta.url));

export interface Served {
  child: ChildProcess;
  url: string;
  output: () => string;
  stop(): Promise<void>;
}

/** Starts `callhook serve …` and resolves with its first `listening on` URL (deadline: a hang, not a speed target). */
export async function startServe(args: string[], timeoutMs = 60_000): Promise<Served> {
  const child = spawn(process.execPath, [CLI_MAIN, 'serve', ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve not ready in ${timeoutMs} ms:\n${stdout}\n${stderr}`)), timeoutMs);
      child.once('exit', (code) => reject(new Error(`serve exited ${code}:\n${stdout}\n${stderr}`)));
      child.stdout!.on('data', (d: Buffer) => {
        stdout += d.toString();
        const line = stdout.split('\n').find((l) => l.startsWith('listening on '));
        if (line) {
          clearTimeout(timer);
          resolve(line.slice('listening on '.length));
        }
      });
    });
    return { child, url, output: () => `${stdout}\n${stderr}`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
