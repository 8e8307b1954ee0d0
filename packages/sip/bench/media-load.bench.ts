/**
 * Media benchmark: N concurrent answered G.711 calls with media both ways and recording on, against
 * the SIP line in this process; the far ends run in a child process. For each N it reports the line's
 * CPU per call-second and the media clock ticks more than 5 ms behind schedule ("late frames"),
 * beside the lateness of an idle 20 ms timer on the same machine in the same run (a shared machine is
 * never at 0). The ladder stops once the line's late share is 5 points above the idle timer's. ≤ 2 min.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SipLine } from '../src/index.js';
import { measureCpu, withMediaCalls } from './support/media-calls.js';

const COUNTS = [10, 25, 50, 100];
const STEP_SECONDS = 8;

function lateTicks(line: SipLine): number {
  return line.callIds().reduce((sum, id) => sum + (line.callMedia(id)?.lateTicks ?? 0), 0);
}

async function step(calls: number): Promise<{ calls: number; cpuMsPerCallSecond: number; lateFrames: number; frames: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'callhook-media-bench-'));
  try {
    return await withMediaCalls({ calls, settings: { media: { record: true } }, deps: { dataDir } }, async (line) => {
      const lateBefore = lateTicks(line);
      const cpu = await measureCpu(calls, STEP_SECONDS);
      const late = lateTicks(line) - lateBefore;
      return { calls, cpuMsPerCallSecond: cpu.msPerCallSecond, lateFrames: late, frames: Math.round(calls * cpu.seconds * 50) };
    });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The machine's own timer lateness: one idle 20 ms timer chain for `seconds`, the share of its ticks
 * more than 5 ms late. On a shared, loaded machine this is not 0, and it bounds what any media clock
 * in Node can do; the steps' late frames are read against it.
 */
async function idleLateShare(seconds: number): Promise<number> {
  const started = performance.now();
  let ticks = 0;
  let late = 0;
  await new Promise<void>((resolve) => {
    const next = () => {
      ticks++;
      const behind = performance.now() - (started + ticks * 20);
      if (behind > 5) late++;
      if (ticks >= seconds * 50) return resolve();
      setTimeout(next, Math.max(0, started + (ticks + 1) * 20 - performance.now()));
    };
    setTimeout(next, 20);
  });
  return late / ticks;
}

const baseline = await idleLateShare(5);
console.log(`media: an idle 20 ms timer on this machine is > 5 ms late in ${(baseline * 100).toFixed(1)} % of its ticks`);
const rows = [];
for (const calls of COUNTS) {
  const row = await step(calls);
  rows.push(row);
  console.log(
    `media: ${row.calls} calls, G.711 both ways, recording: ${row.cpuMsPerCallSecond.toFixed(2)} ms CPU per call-second, ${row.lateFrames} late frames (> 5 ms) of ${row.frames} (${((100 * row.lateFrames) / row.frames).toFixed(1)} %)`,
  );
  // Past the point where the line itself makes frames late, there is nothing more to learn.
  if (row.lateFrames / row.frames > baseline + 0.05) break;
}
const clean = rows.filter((row) => row.lateFrames === 0).at(-1);
console.log(`media: largest count without late frames: ${clean ? clean.calls : `none (fewer than ${COUNTS[0]})`}`);
const withinIdle = rows.filter((row) => row.lateFrames / row.frames <= baseline + 0.01).at(-1);
console.log(`media: largest count whose late share stays within 1 point of the idle timer's: ${withinIdle ? withinIdle.calls : 'none'}`);
