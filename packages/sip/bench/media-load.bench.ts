/**
 * Media benchmark: N concurrent answered G.711 calls with media both ways and recording on, against
 * the SIP line in this process; the far ends run in a child process. For each N it reports the line's
 * CPU per call-second and the media clock ticks more than 5 ms behind schedule ("late frames"); the
 * ladder stops at the first N with late frames. ≤ 2 min.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSipLine, SipLineSchema, type SipLine } from '../src/index.js';

const COUNTS = [10, 25, 50, 100];
const STEP_SECONDS = 8;

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

function lateTicks(line: SipLine): number {
  return line.callIds().reduce((sum, id) => sum + (line.callMedia(id)?.lateTicks ?? 0), 0);
}

async function step(calls: number): Promise<{ calls: number; cpuMsPerCallSecond: number; lateFrames: number; frames: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'callhook-media-bench-'));
  const line = createSipLine(SipLineSchema.parse({ type: 'sip', aor: 'sip:303@127.0.0.1', autoAnswer: true, media: { record: true } }), { dataDir });
  await line.start();
  const child = fork(fileURLToPath(new URL('./media-peers.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'] });
  try {
    await ask(child, { type: 'start', port: line.localAddress!.port, calls }, 'ready');
    const lateBefore = lateTicks(line);
    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    await new Promise((resolve) => setTimeout(resolve, STEP_SECONDS * 1000));
    const cpu = process.cpuUsage(cpuBefore);
    const seconds = (performance.now() - wallBefore) / 1000;
    const late = lateTicks(line) - lateBefore;
    await ask(child, { type: 'hangup' }, 'done');
    return { calls, cpuMsPerCallSecond: (cpu.user + cpu.system) / 1000 / (calls * seconds), lateFrames: late, frames: Math.round(calls * seconds * 50) };
  } finally {
    child.kill();
    await line.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const rows = [];
for (const calls of COUNTS) {
  const row = await step(calls);
  rows.push(row);
  console.log(
    `media: ${row.calls} calls, G.711 both ways, recording: ${row.cpuMsPerCallSecond.toFixed(2)} ms CPU per call-second, ${row.lateFrames} late frames (> 5 ms) of ${row.frames}`,
  );
  if (row.lateFrames > 0) break;
}
const clean = rows.filter((row) => row.lateFrames === 0).at(-1);
console.log(`media: largest count without late frames: ${clean ? clean.calls : `none (fewer than ${COUNTS[0]})`}`);
