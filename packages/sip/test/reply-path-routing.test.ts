import { SimulatedClock } from '@callhook/test-support';
import { describe, expect, it } from 'vitest';
import { NodeSipTransport, type Peer, type SipEndpoint } from '../src/index.js';

const CRLF = '\r\n';

/** An in-dialog request (To tag): the transport hands it to the stack at once, whatever the overload state. */
function request(method: string, branch: string): string {
  return [
    `${method} sip:303@127.0.0.1:5062 SIP/2.0`,
    `Via: SIP/2.0/UDP 10.9.9.9:5070;branch=z9hG4bK-${branch}`,
    'From: <sip:4711@127.0.0.1>;tag=caller',
    'To: <sip:303@127.0.0.1>;tag=callee',
    `Call-ID: call-${branch}`,
    `CSeq: 2 ${method}`,
    'Max-Forwards: 70',
    'Content-Length: 0',
    '',
    '',
  ].join(CRLF);
}

/** Our response to `request(method, branch)`, with the Via the transport stamped on the request as it came in. */
function response(status: string, method: string, branch: string): string {
  return [
    `SIP/2.0 ${status}`,
    `Via: SIP/2.0/UDP 10.9.9.9:5070;branch=z9hG4bK-${branch};received=127.0.0.9;rport=5999`,
    'From: <sip:4711@127.0.0.1>;tag=caller',
    'To: <sip:303@127.0.0.1>;tag=callee',
    `Call-ID: call-${branch}`,
    `CSeq: 2 ${method}`,
    'Content-Length: 0',
    '',
    '',
  ].join(CRLF);
}

function fakeEndpoint(port: number, sent: string[]): SipEndpoint {
  return {
    protocol: 'UDP',
    local: { address: '127.0.0.1', port },
    onMessage: undefined,
    send: async (text: string, to: Peer) => void sent.push(`${port} → ${to.address}:${to.port} ${text.split(CRLF)[0]}`),
    close: async () => undefined,
    keepAlive: () => undefined,
    keepAliveStats: { sent: 0, answered: 0 },
  };
}

describe('NodeSipTransport reply paths', () => {
  async function transport() {
    const sent: string[] = [];
    const line = fakeEndpoint(5060, sent);
    const dialog = fakeEndpoint(5062, sent);
    const clock = new SimulatedClock(0);
    const sip = new NodeSipTransport(undefined, { endpoint: line, dialogEndpoint: dialog, clock, logger: { log: () => undefined } });
    sip.onMessage = () => undefined;
    await sip.connect();
    // A peer behind a NAT: the request comes from 127.0.0.9:5999 on the in-dialog socket.
    const receive = (text: string) => dialog.onMessage!({ text, from: { address: '127.0.0.9', port: 5999 } });
    return { sip, sent, clock, receive };
  }

  it('answers a request that waited minutes for its final response from the socket it came in on', async () => {
    const { sip, sent, clock, receive } = await transport();
    receive(request('INVITE', 'reinvite'));
    await sip.send(response('180 Ringing', 'INVITE', 'reinvite'));
    await clock.advance(5 * 60_000);
    await sip.send(response('200 OK', 'INVITE', 'reinvite'));
    expect(sent).toEqual(['5062 → 127.0.0.9:5999 SIP/2.0 180 Ringing', '5062 → 127.0.0.9:5999 SIP/2.0 200 OK']);
    await sip.disconnect();
  });

  it('repeats a final response the same way for 64×T1, then forgets the path (the Via still leads back)', async () => {
    const { sip, sent, clock, receive } = await transport();
    receive(request('BYE', 'bye'));
    await sip.send(response('200 OK', 'BYE', 'bye'));
    await clock.advance(31_000);
    await sip.send(response('200 OK', 'BYE', 'bye')); // to a retransmitted BYE: its 64×T1 starts again
    await clock.advance(33_000);
    await sip.send(response('200 OK', 'BYE', 'bye'));
    expect(sent).toEqual([
      '5062 → 127.0.0.9:5999 SIP/2.0 200 OK',
      '5062 → 127.0.0.9:5999 SIP/2.0 200 OK',
      // Forgotten: from the line's socket to the Via's received/rport, as for a request never seen.
      '5060 → 127.0.0.9:5999 SIP/2.0 200 OK',
    ]);
    await sip.disconnect();
  });
});
