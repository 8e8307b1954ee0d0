import { randomUUID } from 'node:crypto';
import { createSocket } from 'node:dgram';
import type { Random } from '@callhook/core';
import { afterEach, describe, expect, it } from 'vitest';
import { randomInteger } from '../src/random-draws.js';
import { SimulatedClock } from '@callhook/test-support';
import { offerSdp, startLineWithUac } from './support/raw-uac.js';
import { waitFor } from '@callhook/test-support';

/** A Random that hands out the given 32-bit values in turn (then zeros), and counts its draws. */
function scripted(values: number[] = []): Random & { draws: number } {
  const queue = [...values];
  return {
    draws: 0,
    fill(bytes: Uint8Array) {
      this.draws++;
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (bytes.byteLength === 4) view.setUint32(0, queue.shift() ?? 0);
      else bytes.fill(0);
    },
  };
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function startLine(deps: { random?: Random; clock?: SimulatedClock }) {
  return startLineWithUac({ autoAnswer: true }, deps, cleanups);
}

describe('randomInteger', () => {
  it('maps a 32-bit draw into the range and draws again in the biased tail', () => {
    const random = scripted([0xffffffff, 5]);
    expect(randomInteger(random, 10, 13)).toBe(12); // 0xffffffff is past 2^32 - (2^32 mod 3); 5 mod 3 = 2
    expect(random.draws).toBe(2);
  });

  it('gives up on a source that never leaves the tail', () => {
    expect(() => randomInteger(scripted(Array(64).fill(0xffffffff)), 0, 3)).toThrow(/biased tail/);
  });
});

describe("the line's randomness and time come from its deps (core's Random and Clock)", () => {
  it('draws the SDP session id and the RTP sequence, timestamp and SSRC from deps.random', async () => {
    const { line, uac } = await startLine({ random: scripted() });
    const media = createSocket('udp4');
    cleanups.push(() => media.close());
    const packets: Buffer[] = [];
    media.on('message', (data) => packets.push(data));
    await new Promise<void>((resolve) => media.bind(0, '127.0.0.1', () => resolve()));
    const callId = uac.invite(offerSdp('127.0.0.1', media.address().port));
    const ok = await uac.waitFinal(callId);
    expect(ok.status).toBe(200);
    // The all-zero source gives each value its range's minimum: session id 1 (RFC 4566 o= line).
    expect(ok.text).toMatch(/^o=callhook 1 0 IN IP4 127\.0\.0\.1$/m);
    uac.ack(callId);
    await waitFor(() => packets.length >= 2, 'two RTP packets from the line', 10_000);
    expect(
      packets.slice(0, 2).map((packet) => ({ sequence: packet.readUInt16BE(2), timestamp: packet.readUInt32BE(4), ssrc: packet.readUInt32BE(8) })),
    ).toEqual([
      { sequence: 0, timestamp: 0, ssrc: 1 },
      { sequence: 1, timestamp: 160, ssrc: 1 },
    ]);
    // The incoming call's id comes from deps.random too (16 zero bytes), not from node:crypto.
    expect(line.callIds()).toEqual([`sip-${'0'.repeat(32)}`]);
  });

  it('takes the To tag of a stateless 400 from deps.random', async () => {
    const { uac } = await startLine({ random: scripted() });
    const callId = uac.invite(offerSdp('127.0.0.1', 40_000), randomUUID(), { from: '<urn:x>;tag=raw1' });
    const final = await uac.waitFinal(callId);
    expect(final.text).toMatch(/^To: <sip:303@127\.0\.0\.1:\d+>;tag=0000000000000000$/m);
  });

  it("waits for a hangup's BYE (1 s, before the ACK) on deps.clock", async () => {
    const clock = new SimulatedClock(0);
    const { line, events, uac } = await startLine({ clock });
    const callId = uac.invite(offerSdp('127.0.0.1', 40_000));
    expect((await uac.waitFinal(callId)).status).toBe(200);
    const { lineCallId } = await events.waitFor('answered');
    // Not ACKed: sip.js holds our BYE until the ACK, so hangup waits its bounded second.
    let done = false;
    const hangup = line.execute({ type: 'hangup', lineCallId }).then(() => (done = true));
    for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    expect(clock.pendingDue()).toContain(clock.now() + 1_000);
    await clock.advance(1_000);
    await hangup;
    expect(done).toBe(true);
  });
});
