import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatedClock } from '@callhook/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { readWav } from './support/audio-analysis.js';
import { mediaSink } from './support/media-sink.js';
import { offerSdp, startLineWithUac } from './support/raw-uac.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The simulated clock, except that the next media tick (a timer of ≤ 20 ms) fires `stallMs` late, as on a starved machine. */
class StallingClock extends SimulatedClock {
  stallMs = 0;

  override setTimeout(callback: () => void, delayMs: number): number {
    if (delayMs > 20 || this.stallMs === 0) return super.setTimeout(callback, delayMs);
    const late = delayMs + this.stallMs;
    this.stallMs = 0;
    return super.setTimeout(callback, late);
  }
}

describe('the media clock after a stall of over a second', () => {
  it('keeps the recording as long as the call: the frame the stall ended in is not lost', async () => {
    const clock = new StallingClock(0);
    const dataDir = mkdtempSync(join(tmpdir(), 'callhook-stall-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const { line, events, uac } = await startLineWithUac({ autoAnswer: true, media: { record: true } }, { clock, dataDir }, cleanups);
    const sink = await mediaSink();
    cleanups.push(() => sink.close());
    const callId = uac.invite(offerSdp('127.0.0.1', sink.port));
    expect((await uac.waitFinal(callId)).status).toBe(200);
    const { lineCallId } = await events.waitFor('answered');
    const answeredAt = clock.now();
    uac.ack(callId);
    // Ten stalls of 1,010 ms (past the 1 s burst limit, so the schedule restarts), each followed by a second on time.
    for (let stall = 0; stall < 10; stall++) {
      clock.stallMs = 1_010;
      await clock.advance(1_050);
      await clock.advance(1_000);
    }
    expect(line.callMedia(lineCallId)!.lateTicks).toBeGreaterThanOrEqual(10);
    const callMs = clock.now() - answeredAt;
    await line.execute({ type: 'hangup', lineCallId });
    await events.waitFor('ended');
    const wav = readWav(join(dataDir, 'recordings', `${lineCallId}.wav`));
    // Restarting the schedule at the stall's end dropped its last 10 ms each time: 100 ms over ten stalls.
    expect(Math.abs(wav.durationMs - callMs), `recording ${wav.durationMs} ms, call ${callMs} ms`).toBeLessThanOrEqual(20);
  });
});
