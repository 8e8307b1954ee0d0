import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@callhook/test-support';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { dominantFrequency, longestGap, readWav, soundSpan } from './support/audio-analysis.js';
import { startLossyRtpPeer, type LossyRtpPeer } from './support/lossy-rtp-peer.js';
import { offerSdp, startLineWithUac } from './support/raw-uac.js';

const dir = mkdtempSync(join(tmpdir(), 'callhook-impairment-'));
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('receive path under 5 % loss and ±40 ms jitter', () => {
  it('records without a gap longer than one packet, in sync with the call, and reports the loss', async () => {
    const peer: LossyRtpPeer = await startLossyRtpPeer({ hz: 800, loss: 0.05, jitterMs: 40 });
    cleanups.push(() => peer.close());
    const dataDir = join(dir, 'data');
    const { events, uac } = await startLineWithUac({ autoAnswer: true, media: { record: true } }, { dataDir }, cleanups);
    const callId = uac.invite(offerSdp('127.0.0.1', peer.port));
    const final = await uac.waitFinal(callId);
    expect(final.status).toBe(200);
    const answered = await events.waitFor('answered');
    const answeredAt = performance.now();
    uac.ack(callId);
    peer.start(Number(/^m=audio (\d+)/m.exec(final.text)?.[1]));
    // Four seconds of packets: 200 sent, about 10 of them lost.
    await waitFor(() => peer.sent + peer.dropped >= 200, 'the lossy peer to send 200 packets', 30_000);
    uac.bye(callId);
    const ended = await events.waitFor('ended');
    const callMs = performance.now() - answeredAt;
    expect(peer.dropped).toBeGreaterThan(0);
    expect(ended.media?.quality.packetsLost).toBeGreaterThan(0);
    expect(ended.media?.quality.jitterMs).toBeGreaterThan(5);
    expect(ended.media?.quality.mos).toBeLessThan(4.4);
    const wav = readWav(join(dataDir, 'recordings', `${answered.lineCallId}.wav`));
    expect(Math.abs(wav.durationMs - callMs), `recording ${wav.durationMs} ms, call ${callMs} ms`).toBeLessThan(100);
    const right = wav.channels[1]!;
    const heard = soundSpan(right);
    expect(heard).toBeDefined();
    // One packet is 160 samples; the 800 Hz tone itself has an exact zero every 5th sample (8 kHz), and one
    // can border a silent stretch on either side, so a one-packet gap may read as up to 162.
    expect(longestGap(right.subarray(heard!.first, heard!.last))).toBeLessThanOrEqual(160 + 2);
    expect(Math.abs(dominantFrequency(right, 8000, heard!.first + 1600) - 800)).toBeLessThan(5);
  });
});
