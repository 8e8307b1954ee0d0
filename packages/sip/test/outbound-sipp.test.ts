import { afterEach, describe, expect, it } from 'vitest';
import { mediaSink } from './support/media-sink.js';
import { scenario } from './support/scenario.js';
import { withSippUas, type UasSession } from './support/sipp-uas.js';
import { sleep, waitFor } from '@callhook/test-support';

describe.each(['udp', 'tcp'] as const)('callhook make_call → sipp uas over %s', (transport) => {
  let session: UasSession | undefined;
  let sink: Awaited<ReturnType<typeof mediaSink>> | undefined;
  afterEach(async () => {
    await session?.close();
    sink?.close();
    session = undefined;
    sink = undefined;
  });

  async function answeredCall(steps: string[], codecs = '0 101') {
    sink = await mediaSink();
    session = await withSippUas(transport, scenario('uas-answer.xml', { MEDIA_PORT: sink.port, CODECS: codecs }, steps));
    await session.line.execute({ type: 'make_call', callId: 'call-1', target: session.target });
    await session.events.waitFor('answered');
    return session;
  }

  it('rings, is answered, streams 20 ms silence, and hangs up with BYE', async () => {
    const { line, events, sippPassed } = await answeredCall(['step-wait-bye.xml']);
    await waitFor(() => sink!.packets.length >= 15, '15 RTP packets');
    await line.execute({ type: 'hangup', lineCallId: 'call-1' });
    await sippPassed();
    const ended = await events.waitFor('ended');
    expect(ended).toMatchObject({ lineCallId: 'call-1', by: 'local', cause: 'normal' });
    expect(events.types('call-1')).toEqual(['outgoing', 'alerting', 'answered', 'ended:local:normal']);
    expect(events.events[events.events.findIndex((event) => event.type === 'outgoing')]).toMatchObject({
      remoteParty: 'sipp',
      localParty: 'sip:303@127.0.0.1',
      localName: 'Desk',
    });
    const packets = [...sink!.packets];
    await sleep(100);
    const afterEnd = sink!.packets.length;
    await sleep(200);
    expect(sink!.packets.length, 'RTP stops when the call ends').toBe(afterEnd);
    expect(packets.every((packet) => packet.payloadType === 0 && packet.size === 172 && packet.payload.every((byte) => byte === 0xff))).toBe(true);
    // 20 ms frames: each packet's RTP timestamp is 160 samples (8 kHz) after the one before, whatever
    // the wall-clock pacing on a busy machine (pacing is a benchmark figure, not an assertion).
    for (let i = 1; i < packets.length; i++) {
      expect((packets[i]!.sequence - packets[0]!.sequence) & 0xffff).toBe(i);
      expect((packets[i]!.timestamp - packets[0]!.timestamp) >>> 0).toBe(160 * i);
    }
  });

  it('sends DTMF as RFC 4733 events when telephone-event is negotiated', async () => {
    const { line } = await answeredCall(['step-wait-bye.xml']);
    await expect(line.execute({ type: 'dtmf', lineCallId: 'call-1', digits: '5x' })).rejects.toMatchObject({ code: 'bad_request' });
    await line.execute({ type: 'dtmf', lineCallId: 'call-1', digits: '5#' });
    await waitFor(() => sink!.packets.filter((packet) => packet.payloadType === 101).length >= 16, 'two DTMF events');
    const events = sink!.packets.filter((packet) => packet.payloadType === 101);
    expect(events.map((packet) => packet.payload[0])).toEqual([5, 5, 5, 5, 5, 5, 5, 5, 11, 11, 11, 11, 11, 11, 11, 11]);
    expect(events.filter((packet) => packet.marker)).toHaveLength(2);
    expect(events.filter((packet) => (packet.payload[1]! & 0x80) !== 0)).toHaveLength(6);
    await line.execute({ type: 'hangup', lineCallId: 'call-1' });
    await session!.sippPassed();
  });

  it('falls back to SIP INFO for DTMF without telephone-event', async () => {
    const { line, sippPassed } = await answeredCall(['step-info-dtmf.xml', 'step-wait-bye.xml'], '0');
    await line.execute({ type: 'dtmf', lineCallId: 'call-1', digits: '42' });
    await line.execute({ type: 'hangup', lineCallId: 'call-1' });
    await sippPassed();
  });

  it('reports the remote party holding and resuming, and the remote BYE', async () => {
    const { events, sippPassed } = await answeredCall(['step-remote-hold.xml', 'step-send-bye.xml']);
    await events.waitFor('held');
    await sleep(60);
    const sentBeforeResume = sink!.packets.length;
    await events.waitFor('resumed');
    expect(sink!.packets.length - sentBeforeResume, 'no RTP while the peer holds (we answered recvonly)').toBeLessThanOrEqual(1);
    await waitFor(() => sink!.packets.length > sentBeforeResume + 3, 'RTP again after resume');
    await sippPassed();
    await events.waitFor('ended');
    expect(events.types('call-1')).toEqual(['outgoing', 'alerting', 'answered', 'held:remote', 'resumed:remote', 'ended:remote:normal']);
  });

  it('holds and resumes from our side with sendonly/sendrecv re-INVITEs', async () => {
    const { line, events, sippPassed } = await answeredCall(['step-answer-reinvites.xml', 'step-wait-bye.xml']);
    await line.execute({ type: 'hold', lineCallId: 'call-1' });
    await events.waitFor('held');
    await line.execute({ type: 'unhold', lineCallId: 'call-1' });
    await events.waitFor('resumed');
    await line.execute({ type: 'hangup', lineCallId: 'call-1' });
    await sippPassed();
    expect(events.types('call-1')).toEqual(['outgoing', 'alerting', 'answered', 'held:local', 'resumed:local', 'ended:local:normal']);
  });

  it('transfers blind with REFER and ends the call as transferred', async () => {
    const { line, events, sippPassed } = await answeredCall(['step-accept-refer.xml', 'step-wait-bye.xml']);
    await line.execute({ type: 'transfer', lineCallId: 'call-1', target: 'transfer-target@127.0.0.1' });
    await sippPassed();
    expect(await events.waitFor('ended')).toMatchObject({ by: 'local', cause: 'transferred' });
  });

  it('cancels a ringing call (CANCEL, 487)', async () => {
    session = await withSippUas(transport, scenario('uas-ring-until-cancel.xml'));
    await session.line.execute({ type: 'make_call', callId: 'call-2', target: session.target });
    await session.events.waitFor('alerting');
    await sleep(100);
    await session.line.execute({ type: 'hangup', lineCallId: 'call-2' });
    await session.sippPassed();
    expect(await session.events.waitFor('ended')).toMatchObject({ lineCallId: 'call-2', by: 'local', cause: 'normal' });
  });

  it.each([
    ['486 Busy Here', 'busy'],
    ['600 Busy Everywhere', 'busy'],
    ['603 Decline', 'rejected'],
    ['403 Forbidden', 'rejected'],
    ['480 Temporarily Unavailable', 'no_answer'],
    ['408 Request Timeout', 'no_answer'],
    ['500 Server Internal Error', 'failed'],
  ])('maps a %s final response to cause %s', async (status, cause) => {
    session = await withSippUas(transport, scenario('uas-busy.xml', { STATUS: status }));
    await session.line.execute({ type: 'make_call', callId: 'call-3', target: session.target });
    await session.sippPassed();
    const ended = await session.events.waitFor('ended');
    expect(ended).toMatchObject({ by: 'remote', cause, detail: status });
    expect(session.events.types('call-3')).toEqual(['outgoing', 'alerting', `ended:remote:${cause}`]);
  });
});
