import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { RtpStream } from '../src/index.js';
import { cleanupAfterEach, startTestLine, startUac } from './support/sip-line-under-sipp.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** What memory a finished call may leave behind: nothing of its media, nothing in the line's own books. */
describe('memory left by ended calls', () => {
  const open = RtpStream.open.bind(RtpStream);
  afterEach(() => {
    RtpStream.open = open;
  });
  const defer = cleanupAfterEach();

  it('keeps no RTP stream (sockets, audio path, buffers) of an ended call while sip.js still holds its transaction', async () => {
    // Every stream the line opens, weakly: an ended call's stream must be collectable at once.
    const streams: WeakRef<RtpStream>[] = [];
    RtpStream.open = async (...args: Parameters<typeof RtpStream.open>) => {
      const stream = await open(...args);
      streams.push(new WeakRef(stream));
      return stream;
    };
    const { line, events, target } = await startTestLine(defer, { transport: 'udp', autoAnswer: true });
    const calls = 20;
    const sipp = await startUac(defer, target, { calls, extra: ['-r', '20', '-d', '200'], timeout: '20s' });
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

  it("keeps no session, dialog or SipCall of an ended call in sip.js's accepted INVITE transactions (RFC 6026 Timer L, 32 s)", async () => {
    const { line, events, target } = await startTestLine(defer, { transport: 'udp', autoAnswer: true });
    // Every session and SipCall the line tracks, weakly (the line files each call by its sip.js session).
    const books = line as unknown as { callsBySession: Map<object, object>; userAgent: { _userAgentCore: { userAgentServers: Map<string, object> } } };
    const sessions: WeakRef<object>[] = [];
    const sipCalls: WeakRef<object>[] = [];
    const set = books.callsBySession.set.bind(books.callsBySession);
    books.callsBySession.set = (session, call) => {
      sessions.push(new WeakRef(session));
      sipCalls.push(new WeakRef(call));
      return set(session, call);
    };
    const calls = 20;
    const sipp = await startUac(defer, target, { calls, extra: ['-r', '20', '-d', '200'], timeout: '20s' });
    const result = await sipp.done;
    expect(result.code, result.stdout + result.stderr).toBe(0);
    await waitUntil(() => events.events.filter((event) => event.type === 'ended').length === calls);
    expect(sessions).toHaveLength(calls);

    // sip.js still holds each accepted INVITE's server (and its transaction) for 64×T1 after the 2xx;
    // before the patch each one kept its whole call (Invitation, dialog, SDP handler, our SipCall) with it.
    expect(books.userAgent._userAgentCore.userAgentServers.size).toBeGreaterThanOrEqual(calls);
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(sessions.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
    expect(sipCalls.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
  });
});

async function waitUntil(done: () => boolean, limitMs = 10_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!done()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
