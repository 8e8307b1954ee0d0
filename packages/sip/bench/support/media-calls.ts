import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createSipLine, SipLineSchema, type SipLine, type SipLineDeps } from '../../src/index.js';

function ask(child: ChildProcess, message: object, reply: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (answer: { type: string; message?: string }) => {
      if (answer.type === 'error') reject(new Error(answer.message));
      else if (answer.type === reply) resolve();
      else return;
      child.off('message', onMessage);
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

/**
 * Starts the SIP line `sip:303@127.0.0.1` (auto-answer) with `settings`, has the far ends of
 * media-peers.ts (a child process, so their CPU is not counted) place `calls` calls to it with media
 * both ways (`srtp`: SDES-SRTP; `codec`: what the far ends offer, PCMU by default), runs `measure` while the calls last, then hangs up. The child and the
 * line are stopped also when something fails.
 */
export async function withMediaCalls<T>(
  options: { calls: number; srtp?: boolean; codec?: string; settings?: Record<string, unknown>; deps?: SipLineDeps },
  measure: (line: SipLine) => Promise<T>,
): Promise<T> {
  const line = createSipLine(SipLineSchema.parse({ type: 'sip', aor: 'sip:303@127.0.0.1', autoAnswer: true, ...options.settings }), options.deps);
  await line.start();
  const child = fork(fileURLToPath(new URL('../media-peers.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'] });
  try {
    await ask(child, { type: 'start', port: line.localAddress!.port, calls: options.calls, srtp: options.srtp ?? false, codec: options.codec }, 'ready');
    const result = await measure(line);
    await ask(child, { type: 'hangup' }, 'done');
    return result;
  } finally {
    child.kill();
    await line.stop();
  }
}

/**
 * This process's CPU (user + system) over about `seconds` of wall time, in ms per call-second for
 * `calls` calls, and the wall seconds it was measured over.
 */
export async function measureCpu(calls: number, seconds: number): Promise<{ msPerCallSecond: number; seconds: number }> {
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const cpu = process.cpuUsage(cpuBefore);
  const elapsed = (performance.now() - wallBefore) / 1000;
  return { msPerCallSecond: (cpu.user + cpu.system) / 1000 / (calls * elapsed), seconds: elapsed };
}
