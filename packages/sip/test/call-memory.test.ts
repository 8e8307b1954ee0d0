import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { createSipLine, RtpStream, SipLineSchema, type SipLine } from '../src/index.js';
import { EventRecorder } from './support/event-recorder.js';
import { freePort } from './support/free-port.js';
import { startSipp } from './support/sipp.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** What memory a finished call may leave behind: nothing of its media, nothing in the line's own books. */
describe('memory left by ended calls', () => {
  let line: SipLine | undefined;
  const open = RtpStream.open.bind(RtpStream);
  afterEach(async () => {
    RtpStream.open = open;
    await line?.stop();
  });

  it('keeps no RTP stream (sockets, audio path, buffers) of an ended call while sip.js still holds its transaction', async () => {
    // Every stream the line opens, weakly: an ended call's stream must be collectable at once.
    const streams: WeakRef<RtpStream>[] = [];
    RtpStream.open = async (...args: Parameters<typeof RtpStream.open>) => {
      const stream = await open(...args);
      streams.push(new WeakRef(stream));
      return stream;
    };
    line = createSipLine(SipLineSchema.parse({ type: 'sip', aor: 'sip:303@127.0.0.1', transport: 'udp', autoAnswer: true }));
    const events = new EventRecorder(line);
    await line.start();
    const calls = 20;
    const sipp = startSipp([
      '-sn',
      'uac',
      `127.0.0.1:${line.localAddress!.port}`,
      '-s',
      '303',
      '-i',
      '127.0.0.1',
      '-p',
      String(await freePort()),
      '-m',
      String(calls),
      '-r',
      '20',
      '-d',
      '200',
      '-timeout',
      '20s',
      '-timeout_error',
    ]);
    const result = await sipp.done;
    expect(result.code, result.stdout + result.stderr).toBe(0);
    await waitUntil(() => events.events.filter((event) => event.type === 'ended').length === calls);
    expect(streams).toHaveLength(calls);

    // The line's own books are empty once every call ended.
    const books = line as unknown as Record<'calls' | 'callsBySession' | 'mediaWatches' | 'answeredStreams', Map<unknown, unknown>>;
    expect([books.calls.size, books.callsBySession.size, books.mediaWatches.size, books.answeredStreams.size]).toEqual([0, 0, 0, 0]);

    // Well within 64×T1 (32 s) of the last BYE: sip.js still holds every accepted INVITE transaction,
    // and with it the session; the media behind it must already be gone.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(streams.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
  });
});

async function waitUntil(done: () => boolean, limitMs = 10_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!done()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
