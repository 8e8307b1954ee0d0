// A floor for bench/cpu-per-call.ts (BENCH_CPU_PIPELINE=1), not a product: the least a Node process must do per
// call of that bench — the SIP line's floor (packages/sip/bench/support/floor-uas.ts: a bare UAS answering sipp's
// INVITE → 200 → ACK, BYE → 200 with the line's SDP and RTP code, and nothing else) plus, when a receiver URL is
// given, the three Action URLs as plain GETs through node's own keep-alive HTTP client (two when the call is
// answered — inbound and connected come together with autoAnswer — and one when it ends), with no journal, no call
// model, no placeholders. Prints `port <n>` once listening. Usage: node --import tsx floor-pipeline.ts [receiverUrl]
import { Agent, get } from 'node:http';

/** What this script uses of floor-uas.ts, loaded by a path the type checker does not follow (it is another package's bench). */
interface FloorLine {
  localAddress: { port: number } | undefined;
  onEvent(listener: (event: { type: 'answered' | 'ended' }) => void): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}
const floorUas = new URL('../../../../packages/sip/bench/support/floor-uas.ts', import.meta.url).href;
const { createSipLine } = (await import(floorUas)) as { createSipLine: () => FloorLine };

const receiver = process.argv[2];
const agent = new Agent({ keepAlive: true, maxSockets: 16 });
let sent = 0;

function fire(action: string): void {
  const request = get(`${receiver}/${action}?guid=floor-${++sent}&from=sipp`, { agent }, (response) => response.resume());
  request.on('error', (error) => console.error(`floor: ${action} failed: ${error.message}`));
}

const line = createSipLine();
line.onEvent((event) => {
  if (!receiver) return;
  if (event.type === 'answered') {
    fire('inbound');
    fire('connected');
  } else fire('disconnected');
});
await line.start();
console.log(`port ${line.localAddress!.port}`);
process.on('SIGTERM', () => void line.stop().then(() => process.exit(0)));
