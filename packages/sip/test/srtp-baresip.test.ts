import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@callhook/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSipLine, SipLineSchema, type SipLine } from '../src/index.js';
import type { SrtpSuite } from '../src/srtp/crypto-attribute.js';
import { dominantFrequency, makeToneWav, readWav, soundSpan } from './support/audio-analysis.js';
import { startBaresip, type Baresip } from './support/baresip.js';
import { EventRecorder } from './support/event-recorder.js';

/**
 * SDES-SRTP against baresip's srtp module (libre's own SRTP, not werift's): baresip and callhook call
 * each other directly on loopback (no registrar), with `mediaenc=srtp-mand` (RTP/SAVP), `srtp`
 * (best-effort keys on RTP/AVP) or no SRTP at all.
 */
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'callhook-srtp-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let baresip: Baresip | undefined;
let line: SipLine | undefined;
afterEach(async () => {
  await line?.stop().catch(() => undefined);
  await baresip?.stop();
  line = undefined;
  baresip = undefined;
});

/** Hang bounds for a busy 2-core machine: what normally takes a second or two. */
const BOUND_MS = 30_000;
/**
 * SRTP packets callhook may drop in a good call: libre sends an unprotected 16-byte RTCP APP packet
 * ("PING"/"PONG") on the media port, which rightly fails authentication; nothing else may be dropped.
 */
const PLAIN_KEEPALIVES = 2;

async function setup(
  name: string,
  options: {
    mediaenc?: 'srtp-mand' | 'srtp';
    encryption: 'none' | 'sdes' | 'required';
    srtpSuites?: SrtpSuite[];
    sourceWav?: string;
    play?: string;
    dumpDir?: string;
  },
) {
  baresip = await startBaresip(`<sip:alice@127.0.0.1>;regint=0;answermode=auto;audio_codecs=pcmu${options.mediaenc ? `;mediaenc=${options.mediaenc}` : ''}`, {
    codecModules: ['srtp'],
    ...(options.sourceWav ? { sourceWav: options.sourceWav } : {}),
    ...(options.dumpDir ? { dumpDir: options.dumpDir } : {}),
  });
  const dataDir = join(dir, `data-${name}`);
  line = createSipLine(
    SipLineSchema.parse({
      type: 'sip',
      aor: 'sip:303@127.0.0.1',
      media: {
        codecs: ['PCMU'],
        record: true,
        encryption: options.encryption,
        ...(options.srtpSuites ? { srtpSuites: options.srtpSuites } : {}),
        ...(options.play ? { play: options.play } : {}),
      },
    }),
    { dataDir },
  );
  const events = new EventRecorder(line);
  await line.start();
  await events.waitFor('status', (event) => event.status.state === 'ready');
  return { baresip, line, events, dataDir, callhook: `sip:303@127.0.0.1:${line.localAddress!.port}`, alice: `sip:alice@127.0.0.1:${baresip.sipPort}` };
}

/** The tone in the right channel (what the far end sent) of callhook's recording. */
function recordedTone(dataDir: string, lineCallId: string): number {
  const wav = readWav(join(dataDir, 'recordings', `${lineCallId}.wav`));
  const right = wav.channels[1]!;
  const heard = soundSpan(right);
  expect(heard, 'sound from baresip in the recording').toBeDefined();
  return dominantFrequency(right, 8000, heard!.first + 800);
}

/** The tone baresip heard (its sndfile dump of what it decoded). */
async function heardByBaresip(dumpDir: string): Promise<number> {
  await waitFor(() => readdirSync(dumpDir).some((name) => name.endsWith('-dec.wav')), 'baresip dump file', BOUND_MS);
  const wav = readWav(
    join(
      dumpDir,
      readdirSync(dumpDir).find((name) => name.endsWith('-dec.wav'))!,
    ),
  );
  const samples = wav.channels[0]!;
  const heard = soundSpan(samples);
  expect(heard, 'sound from callhook in baresip').toBeDefined();
  return dominantFrequency(samples, wav.sampleRate, heard!.first + 800);
}

/**
 * One SRTP call between baresip (`srtp-mand`, RTP/SAVP) and callhook (`required`), placed by `caller`:
 * baresip plays a 1000 Hz tone, callhook a 600 Hz prompt. Checks the suite on both sides, SRTP both ways
 * (the tone in callhook's recording, the prompt in baresip's dump), SRTCP both ways (an RTT), no loss and
 * no drop beyond libre's plain keepalives; the caller hangs up.
 *
 * `srtcp: false` for AES_CM_128_HMAC_SHA1_32: libre tags SRTCP with 32 bits there too (its srtp_alloc
 * gives the RTCP context the suite's SRTP tag length), where RFC 4568 §6.2.2 and RFC 3711 §5.2 keep 80
 * bits for SRTCP; each side then drops the other's SRTCP (counted in srtpDropped), so no RTT is checked.
 */
async function secureCall(name: string, caller: 'baresip' | 'callhook', suite: SrtpSuite, srtpSuites?: SrtpSuite[], srtcp = true): Promise<void> {
  const tone = join(dir, `tone-${name}.wav`);
  makeToneWav(tone, { hz: 1000, seconds: 30, rate: 8000 });
  const prompt = join(dir, `prompt-${name}.wav`);
  makeToneWav(prompt, { hz: 600, seconds: 2, rate: 8000 });
  const dumpDir = join(dir, `dump-${name}`);
  mkdirSync(dumpDir);
  const { baresip, line, events, dataDir, callhook, alice } = await setup(name, {
    mediaenc: 'srtp-mand',
    encryption: 'required',
    sourceWav: tone,
    play: prompt,
    dumpDir,
    ...(srtpSuites ? { srtpSuites } : {}),
  });
  let id: string;
  if (caller === 'baresip') {
    await baresip.command('dial', callhook);
    id = (await events.waitFor('incoming', undefined, BOUND_MS)).lineCallId;
    await line.execute({ type: 'answer', lineCallId: id });
  } else {
    id = `out-${name}`;
    await line.execute({ type: 'make_call', callId: id, target: alice });
  }
  await events.waitFor('answered', undefined, BOUND_MS);
  await baresip.waitEvent('CALL_ESTABLISHED', BOUND_MS);
  // The prompt (100 frames), then silence; and baresip's tone coming back.
  await waitFor(() => (line.callMedia(id)?.sentPackets ?? 0) >= 160, 'SRTP to baresip', BOUND_MS);
  await waitFor(() => (line.callMedia(id)?.receivedPackets ?? 0) >= 150, 'SRTP from baresip', BOUND_MS);
  // SRTCP both ways (RFC 3711 §3.4): baresip's report on our SR gives the round-trip time.
  if (srtcp) await waitFor(() => line.callMedia(id)?.rttMs !== undefined, 'an RTT from SRTCP', 60_000);
  const media = line.callMedia(id)!;
  expect(media).toMatchObject({ codec: 'PCMU', encryption: suite, packetsLost: 0 });
  if (srtcp) expect(media.srtpDropped).toBeLessThanOrEqual(PLAIN_KEEPALIVES);
  expect(baresip.log()).toContain(`SRTP is Enabled (cryptosuite=${suite})`);
  if (caller === 'baresip') {
    await baresip.command('hangup');
  } else {
    await line.execute({ type: 'hangup', lineCallId: id });
    await baresip.waitEvent('CALL_CLOSED', BOUND_MS);
  }
  const ended = await events.waitFor('ended', undefined, BOUND_MS);
  expect(ended.media?.quality).toMatchObject({ codec: 'PCMU', packetsLost: 0, encryption: suite });
  expect(Math.abs(recordedTone(dataDir, id) - 1000)).toBeLessThan(5);
  expect(Math.abs((await heardByBaresip(dumpDir)) - 600)).toBeLessThan(5);
}

describe('SDES-SRTP with baresip (RTP/SAVP, RFC 4568), media both ways', () => {
  it('baresip calls callhook: SRTP both ways, its tone recorded at 1000 Hz, our prompt heard at 600 Hz, SRTCP gives an RTT', async () => {
    await secureCall('in', 'baresip', 'AES_CM_128_HMAC_SHA1_80');
  });

  it('callhook calls baresip: RTP/SAVP offer, SRTP both ways, tones checked in both recordings', async () => {
    await secureCall('out', 'callhook', 'AES_CM_128_HMAC_SHA1_80');
  });

  it('AES_CM_128_HMAC_SHA1_32: callhook offers only _32 (line.media.srtpSuites), baresip answers _32, media both ways', async () => {
    await secureCall('out-32', 'callhook', 'AES_CM_128_HMAC_SHA1_32', ['AES_CM_128_HMAC_SHA1_32'], false);
  });

  it('a line limited to _32 refuses baresip 1.0, which offers only _80, with 488 naming line.media.srtpSuites', async () => {
    const { baresip, events, callhook } = await setup('in-32', { mediaenc: 'srtp-mand', encryption: 'required', srtpSuites: ['AES_CM_128_HMAC_SHA1_32'] });
    await baresip.command('dial', callhook);
    const closed = await baresip.waitEvent('CALL_CLOSED', BOUND_MS);
    expect(String(closed.param)).toMatch(/488/);
    const ended = await events.waitFor('ended', undefined, BOUND_MS);
    expect(ended).toMatchObject({ by: 'local', cause: 'failed' });
    expect(ended.detail).toMatch(/AES_CM_128_HMAC_SHA1_80 is not in line\.media\.srtpSuites \(AES_CM_128_HMAC_SHA1_32\)/);
  });
});

describe('SRTP across re-INVITEs (RFC 4568 §7.1.4)', () => {
  it('keeps media flowing both ways after holds from each side', async () => {
    const tone = join(dir, 'tone-hold.wav');
    makeToneWav(tone, { hz: 1000, seconds: 60, rate: 8000 });
    const { baresip, line, events, callhook } = await setup('hold', { mediaenc: 'srtp-mand', encryption: 'required', sourceWav: tone });
    await baresip.command('dial', callhook);
    const incoming = await events.waitFor('incoming', undefined, BOUND_MS);
    const id = incoming.lineCallId;
    await line.execute({ type: 'answer', lineCallId: id });
    await events.waitFor('answered', undefined, BOUND_MS);
    await waitFor(() => (line.callMedia(id)?.receivedPackets ?? 0) >= 50, 'SRTP from baresip', BOUND_MS);
    await line.execute({ type: 'hold', lineCallId: id });
    await line.execute({ type: 'unhold', lineCallId: id });
    // baresip does not retry a re-INVITE the line refused as too early (RFC 3261 §14.2): the test does, at most three times.
    for (const command of ['hold', 'resume'] as const) {
      const type = command === 'hold' ? 'held' : 'resumed';
      for (let attempt = 1; ; attempt++) {
        await baresip.command(command);
        try {
          await events.waitFor(type, (event) => event.by === 'remote', BOUND_MS);
          break;
        } catch (error) {
          if (attempt === 3) throw error;
        }
      }
    }
    const after = line.callMedia(id)!;
    await waitFor(() => (line.callMedia(id)?.receivedPackets ?? 0) >= after.receivedPackets + 100, 'SRTP from baresip after the re-INVITEs', BOUND_MS);
    await waitFor(() => (line.callMedia(id)?.rttMs ?? undefined) !== undefined, 'SRTCP both ways', 60_000);
    const media = line.callMedia(id)!;
    expect(media.encryption).toMatch(/^AES_CM_128_HMAC_SHA1_(80|32)$/);
    expect(media.srtpDropped).toBeLessThanOrEqual(PLAIN_KEEPALIVES);
    expect(baresip.log()).not.toMatch(/failed to decrypt/);
    await baresip.command('hangup');
    await events.waitFor('ended', undefined, BOUND_MS);
  });
});

describe('"sdes" is best effort (keys offered on RTP/AVP)', () => {
  it('gets SRTP from a baresip doing best-effort SRTP, and plain RTP from one without SRTP', async () => {
    const secured = await setup('sdes-srtp', { mediaenc: 'srtp', encryption: 'sdes' });
    await secured.line.execute({ type: 'make_call', callId: 'sdes-1', target: secured.alice });
    await secured.events.waitFor('answered', undefined, BOUND_MS);
    await waitFor(() => (secured.line.callMedia('sdes-1')?.receivedPackets ?? 0) >= 50, 'SRTP from baresip', BOUND_MS);
    expect(secured.line.callMedia('sdes-1')).toMatchObject({ encryption: expect.stringMatching(/^AES_CM_128_HMAC_SHA1_(80|32)$/) });
    expect(secured.line.callMedia('sdes-1')!.srtpDropped).toBeLessThanOrEqual(PLAIN_KEEPALIVES);
    await secured.line.execute({ type: 'hangup', lineCallId: 'sdes-1' });
    await secured.events.waitFor('ended', undefined, BOUND_MS);
    await line!.stop();
    await baresip!.stop();

    const plain = await setup('sdes-plain', { encryption: 'sdes' });
    await plain.line.execute({ type: 'make_call', callId: 'sdes-2', target: plain.alice });
    await plain.events.waitFor('answered', undefined, BOUND_MS);
    await waitFor(() => (plain.line.callMedia('sdes-2')?.receivedPackets ?? 0) >= 50, 'RTP from baresip', BOUND_MS);
    expect(plain.line.callMedia('sdes-2')).toMatchObject({ encryption: 'none', srtpDropped: 0 });
    await plain.line.execute({ type: 'hangup', lineCallId: 'sdes-2' });
    await plain.events.waitFor('ended', undefined, BOUND_MS);
  });
});

describe('"required" against a baresip without SRTP', () => {
  it('refuses its call with 488 and reports the call failed with the reason', async () => {
    const { baresip, events, callhook } = await setup('req-in', { encryption: 'required' });
    await baresip.command('dial', callhook);
    const closed = await baresip.waitEvent('CALL_CLOSED', BOUND_MS);
    expect(String(closed.param)).toMatch(/488/);
    const ended = await events.waitFor('ended', undefined, BOUND_MS);
    expect(ended).toMatchObject({ by: 'local', cause: 'failed' });
    expect(ended.detail).toMatch(/^488 Not Acceptable Here: line.media.encryption is "required" and the RTP\/AVP offer has no usable SRTP key/);
  });

  it('gets no call through: baresip refuses our RTP/SAVP offer (RFC 3264 §6), the call ends failed with its 488', async () => {
    const { line, events, alice } = await setup('req-out', { encryption: 'required' });
    await line.execute({ type: 'make_call', callId: 'req-out', target: alice });
    const ended = await events.waitFor('ended', undefined, BOUND_MS);
    expect(ended).toMatchObject({ by: 'remote', cause: 'failed', detail: expect.stringMatching(/^488 /) });
    expect(events.types('req-out')).not.toContain('answered');
  });
});
