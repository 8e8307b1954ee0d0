// CPU of one call's RTP stream set-up and tear-down (open, configure, confirm: connect to the peer, close)
// with a socket pair bound per call (old) or taken from the line's pool (new), interleaved in one process.
// Run: npx tsx bench/support/rtp-open-close.ts  (prints µs per call, 5 rounds, and the median ratio).
import { createSocket } from 'node:dgram';
import { silentLogger } from '@callhook/core';
import { cryptoRandom, systemClock } from '@callhook/node';
import { RtpStream, type RtpPlan } from '../../src/rtp/rtp-stream.js';
import { RtpSocketPool } from '../../src/rtp/socket-pool.js';

const N = 300;
const peer = createSocket('udp4');
await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', resolve));
const plan: RtpPlan = {
  address: '127.0.0.1',
  port: peer.address().port,
  codec: { payloadType: 0, name: 'PCMU' },
  receive: new Map([[0, 'PCMU']]),
  eventPayloadType: undefined,
  ptimeMs: 20,
  sending: true,
  rtcp: { address: '127.0.0.1', port: peer.address().port },
};
const pool = new RtpSocketPool('127.0.0.1');
const settle = () => new Promise((resolve) => setImmediate(resolve));

async function run(sockets: RtpSocketPool | undefined): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    const stream = await RtpStream.open('127.0.0.1', systemClock, silentLogger, cryptoRandom, undefined, sockets);
    stream.configure(plan);
    stream.confirm();
    await settle(); // the connect completes
    stream.close();
  }
  await settle();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / N;
}

const ratios: number[] = [];
for (let round = 0; round < 7; round++) {
  const order = round % 2 ? ['pool', 'bind'] : ['bind', 'pool'];
  const result: Record<string, number> = {};
  for (const which of order) result[which] = await run(which === 'pool' ? pool : undefined);
  ratios.push(result.pool! / result.bind!);
  console.log(`round ${round + 1}: bound per call ${result.bind!.toFixed(0)} µs, pooled ${result.pool!.toFixed(0)} µs, ratio ${ratios.at(-1)!.toFixed(3)}`);
}
console.log(`median ratio pooled ÷ bound per call: ${ratios.sort((a, b) => a - b)[3]!.toFixed(3)}`);
pool.close();
peer.close();
