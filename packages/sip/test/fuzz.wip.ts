import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { SipLineSchema } from '../src/index.js';
import fc from 'fast-check';
import { Core } from 'sip.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createSipLine, peekSipMessage, type SipLine } from '../src/index.js';
import { freePort } from './support/free-port.js';
import { sipInput, type FuzzInput } from './support/sip-fuzz.js';
import { startSipp } from './support/sipp.js';
import { until } from './support/wait.js';

const UDP_INPUTS = 400;
const TCP_INPUTS = 120;
const FLOOD_CONNECTIONS = 300;
const seed = Number(process.env.CALLHOOK_FUZZ_SEED ?? Date.now() % 2 ** 31);
const sipjsLogger = new Core.LoggerFactory().getLogger('fuzz');
sipjsLogger.level = Core.Levels.error;

/** Whether this INVITE is one the line can read at all: it then owes a final response. */
function owesFinal(input: FuzzInput): boolean {
  if (input.kind !== 'INVITE') return false;
  const text = Buffer.from(input.text, 'latin1').toString('utf8');
  try {
    peekSipMessage(text);
  } catch {
    return false;
  }
  const parsed = Core.Parser.parseMessage(text, sipjsLogger);
  return parsed instanceof Core.IncomingRequestMessage && parsed.method === 'INVITE' && Boolean(parsed.callId && parsed.from && parsed.to && parsed.cseq);
}

/** Records the final responses to INVITEs found in `text` (one or more responses), by Call-ID. */
function finalsIn(text: string, finals: Map<string, number>): void {
  for (const response of text.split(/(?=^SIP\/2\.0 \d{3})/m)) {
    const status = Number(/^SIP\/2\.0 (\d{3})/.exec(response)?.[1] ?? 0);
    const callId = /^Call-ID:\s*(\S+)/im.exec(response)?.[1];
    if (status >= 200 && callId && /^CSeq:\s*\d+ INVITE/im.test(response)) finals.set(callId, status);
  }
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fuzzLine(transport: 'udp' | 'tcp'): Promise<SipLine> {
  const line = createSipLine(SipLineSchema.parse({ type: 'sip', aor: 'sip:303@127.0.0.1', transport, autoAnswer: true, tcp: { maxConnectionsPerPeer: 16, maxConnections: 64 } }));
  await line.start();
  cleanups.push(() => line.stop());
  return line;
}

async function validCall(port: number, transport: 'udp' | 'tcp'): Promise<void> {
  const sipp = startSipp(['-sn', 'uac', `127.0.0.1:${port}`, '-s', '303', '-i', '127.0.0.1', '-p', String(await freePort()), '-m', '1', '-d', '100', '-timeout', '15s', '-timeout_error', ...(transport === 'tcp' ? ['-t', 't1'] : [])]);
  const result = await sipp.done;
  expect(result.code, result.stdout + result.stderr).toBe(0);
}

describe(`SIP fuzzing (fast-check seed ${seed})`, () => {
  it(`${UDP_INPUTS} generated messages over UDP: the line stays up, every readable INVITE gets a final response`, async () => {
    const line = await fuzzLine('udp');
    const port = line.localAddress!.port;
    const inputs = fc.sample(sipInput(port, 'UDP'), { numRuns: UDP_INPUTS, seed });
    const socket = createSocket('udp4');
    cleanups.push(() => socket.close());
    const finals = new Map<string, number>();
    socket.on('message', (data) => finalsIn(data.toString('latin1'), finals));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    for (const input of inputs) await new Promise<void>((resolve) => socket.send(Buffer.from(input.text, 'latin1'), port, '127.0.0.1', () => resolve()));
    const owed = inputs.filter(owesFinal).map((input) => input.callId);
    expect(owed.length, `seed ${seed}`).toBeGreaterThan(UDP_INPUTS / 5);
    await until(() => owed.every((callId) => finals.has(callId)), `final responses (missing: ${owed.filter((id) => !finals.has(id)).slice(0, 3).join(', ')}; seed ${seed})`, 30_000);
    console.info(`fuzz udp: ${inputs.length} inputs, ${owed.length} readable INVITEs, finals ${JSON.stringify(histogram(owed.map((id) => finals.get(id)!)))}`);
    expect(line.status().state).toBe('ready');
    await validCall(port, 'udp');
  }, 90_000);

  it(`${TCP_INPUTS} generated messages over TCP and a flood of ${FLOOD_CONNECTIONS} connections: the line stays up and takes a call`, async () => {
    const line = await fuzzLine('tcp');
    const port = line.localAddress!.port;
    const inputs = fc.sample(sipInput(port, 'TCP'), { numRuns: TCP_INPUTS, seed });
    const finals = new Map<string, number>();
    let owed = 0;
    for (const input of inputs) {
      const socket = connect({ host: '127.0.0.1', port });
      let received = '';
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString('latin1');
        finalsIn(received, finals);
      });
      socket.on('error', () => undefined);
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()).once('close', () => resolve()));
      socket.write(Buffer.from(input.text, 'latin1'));
      if (owesFinal(input)) {
        owed++;
        await until(() => finals.has(input.callId), `final response to ${input.callId} over TCP (seed ${seed})`, 15_000);
      }
      socket.destroy();
    }
    // The flood comes from another loopback address, so the per-address cap keeps room for real peers.
    const flood: Socket[] = [];
    cleanups.push(() => flood.forEach((socket) => socket.destroy()));
    let held = 0;
    for (let index = 0; index < FLOOD_CONNECTIONS; index++) {
      const socket = connect({ host: '127.0.0.1', port, localAddress: '127.0.0.3' });
      socket.on('error', () => undefined);
      flood.push(socket);
    }
    await until(() => flood.every((socket) => socket.destroyed || socket.readyState === 'open'), 'flood connected or refused', 20_000);
    await until(() => flood.filter((socket) => !socket.destroyed).length <= 16, 'flood trimmed to the per-address cap', 20_000);
    held = flood.filter((socket) => !socket.destroyed).length;
    console.info(`fuzz tcp: ${inputs.length} inputs, ${owed} readable INVITEs answered; flood ${FLOOD_CONNECTIONS} connections, ${held} held`);
    expect(held).toBe(16);
    expect(line.status().state).toBe('ready');
    await validCall(port, 'tcp');
  }, 90_000);
});

function histogram(values: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
