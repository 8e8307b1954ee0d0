/**
 * What refusing a new INVITE under overload costs the line (issue 17 follow-up, docs/sip-in-node.md §9):
 * CPU time (process.cpuUsage, user + system) per refused INVITE, per retransmission of an INVITE already
 * refused, and per ACK of a 503, through NodeSipTransport with its admission queue held full. Given as
 * ratios against what sip.js's own parser (Core.Parser.parseMessage) takes for the same INVITE, measured
 * in the same run, so the figures do not depend on the machine or its load: a refusal that costs less
 * than one parse is cheap next to starting a call (which parses, builds a transaction, a dialog, an RTP
 * socket and a 200 OK). ≤ 30 s.
 */
import { SimulatedClock } from '@callhook/test-support';
import { Core } from 'sip.js';
import { NodeSipTransport, type SipEndpoint } from '../src/index.js';

/** Rounds of INVITES refused INVITEs: fewer than the 2,000 refusals the transport remembers, so each retransmission finds its 503. */
const ROUNDS = 10;
const INVITES = 1_500;
const CRLF = '\r\n';

/** A new INVITE from sipp's overload scenario, or the ACK of the 503 to it (To carries the 503's tag, RFC 3261 §17.1.1.3). */
function invite(n: number, method = 'INVITE'): string {
  const body = ['v=0', 'o=sipp 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 6000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', ''].join(CRLF);
  return [
    `${method} sip:303@127.0.0.1:5060 SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-${n}-bench`,
    `From: <sip:${n}@127.0.0.1:5070>;tag=1SIPpTag00${n}`,
    `To: <sip:303@127.0.0.1:5060>${method === 'ACK' ? ';tag=0123456789abcdef' : ''}`,
    `Call-ID: ${n}-1@127.0.0.1`,
    `CSeq: 1 ${method}`,
    'Contact: <sip:4714@127.0.0.1:5070;transport=UDP>',
    'Max-Forwards: 70',
    ...(method === 'INVITE' ? ['Content-Type: application/sdp', `Content-Length: ${body.length}`, '', body] : ['Content-Length: 0', '', '']),
  ].join(CRLF);
}

const cpuUs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return used.user + used.system;
};

/** CPU µs per item of `run` over `items`, awaiting what it left pending (the sends) inside the measurement. */
async function measure<T>(items: T[], run: (item: T) => void): Promise<number> {
  const before = process.cpuUsage();
  for (const item of items) run(item);
  await new Promise((resolve) => setImmediate(resolve));
  return cpuUs(before) / items.length;
}

const sipjsLogger = { error: () => undefined, warn: () => undefined, log: () => undefined, debug: () => undefined } as unknown as Core.Logger;
const rows: { parse: number; refuse: number; retransmission: number; ack: number; sent: number }[] = [];
for (let round = 0; round < ROUNDS; round++) {
  let sent = 0;
  const endpoint: SipEndpoint = {
    protocol: 'UDP',
    local: { address: '127.0.0.1', port: 5060 },
    onMessage: undefined,
    send: async () => void sent++,
    close: async () => undefined,
    keepAlive: () => undefined,
    keepAliveStats: { sent: 0, answered: 0 },
  };
  // A simulated clock: the 503s' retransmission timers never fire, so only the receive path is measured.
  const transport = new NodeSipTransport(undefined, {
    endpoint,
    clock: new SimulatedClock(0),
    logger: { log: () => undefined },
    overload: { maxPendingInvites: 1, retryAfterSeconds: 5 },
  });
  transport.onMessage = () => undefined;
  await transport.connect();
  const from = { address: '127.0.0.1', port: 5070 };
  // One INVITE fills the queue (it never gets its turn: everything below runs within one turn per batch).
  endpoint.onMessage!({ text: invite(-1 - round), from });
  const texts = Array.from({ length: INVITES }, (_, n) => invite(round * INVITES + n));
  const acks = Array.from({ length: INVITES }, (_, n) => invite(round * INVITES + n, 'ACK'));
  const parse = await measure(texts, (text) => Core.Parser.parseMessage(text, sipjsLogger));
  const refuse = await measure(texts, (text) => endpoint.onMessage!({ text, from }));
  const retransmission = await measure(texts, (text) => endpoint.onMessage!({ text, from }));
  const ack = await measure(acks, (text) => endpoint.onMessage!({ text, from }));
  rows.push({ parse, refuse, retransmission, ack, sent });
  await transport.disconnect();
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const parse = median(rows.map((row) => row.parse));
const column = (key: 'refuse' | 'retransmission' | 'ack') => median(rows.map((row) => row[key]));
console.log(
  `\n${INVITES} INVITEs × ${ROUNDS} rounds, medians; CPU time per message, against one sip.js parse of the same INVITE (${parse.toFixed(1)} µs here)`,
);
console.log(`refused INVITE (503 built and sent)        ${(column('refuse') / parse).toFixed(2)} parses  (${column('refuse').toFixed(1)} µs)`);
console.log(`retransmission of a refused INVITE         ${(column('retransmission') / parse).toFixed(2)} parses  (${column('retransmission').toFixed(1)} µs)`);
console.log(`ACK of a 503                               ${(column('ack') / parse).toFixed(2)} parses  (${column('ack').toFixed(1)} µs)`);
console.log(`(responses sent per round: ${rows.map((row) => row.sent).join(', ')})`);
