import { createSocket, type Socket as DgramSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { peekSipMessage, TcpFramer } from '../src/index.js';
import { MalformedRequestError } from '../src/message/bad-request.js';
import { LineProcess } from './support/line-process.js';
import { sipInput, type FuzzInput } from './support/sip-fuzz.js';
import { startUac } from './support/sip-line-under-sipp.js';
import { sleep, waitFor } from '@callhook/test-support';

// Bounded so the file stays well under a minute on a busy 2-core machine; the seed is fast-check's global
// one (fixed unless FC_SEED names another, or is `random`: test/support/property-seed.ts).
const UDP_INPUTS = 300;
const TCP_INPUTS = 100;
const FLOOD_CONNECTIONS = 300;
const PER_PEER_CAP = 16;
/** Owed requests in flight over UDP at once, so the line's socket buffer is not overrun by the harness. */
const UDP_WINDOW = 8;
const FINALS_DEADLINE_MS = 30_000;
const seed = fc.readConfigureGlobal().seed ?? Date.now() % 2 ** 31;

const ID = /(?:z9hG4bK-|fuzz-)([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i;

/**
 * The responses seen per input id. A response is attributed by the uuid in its Via branch or Call-ID:
 * every input has its own uuid in both, and a mutation touches at most one of them (the old harness
 * matched the whole Call-ID, so a junk or 20 KB Call-ID looked unanswered).
 */
class ResponseLog {
  private readonly statuses = new Map<string, number[]>();

  record(text: string): void {
    for (const response of text.split(/(?=^SIP\/2\.0 \d{3} )/m)) {
      const status = Number(/^SIP\/2\.0 (\d{3}) /.exec(response)?.[1] ?? 0);
      const id = ID.exec(response)?.[1]?.toLowerCase();
      if (!status || !id) continue;
      this.statuses.set(id, [...(this.statuses.get(id) ?? []), status]);
    }
  }

  final(id: string): number | undefined {
    return this.statuses.get(id)?.find((status) => status >= 200);
  }

  seen(id: string): number[] {
    return this.statuses.get(id) ?? [];
  }
}

/**
 * Whether the line owes this input a final response: it is a request other than ACK that passes the
 * pre-parser, or fails it only after its Via/From/To/Call-ID/CSeq were read (then a 400 is owed).
 * `text` is what the line decodes (UTF-8).
 */
function owesFinal(text: string): boolean {
  try {
    return peekSipMessage(text).method !== 'ACK';
  } catch (error) {
    return error instanceof MalformedRequestError && error.method !== 'ACK';
  }
}

/** Over TCP the line sees what its framer cuts from the bytes; an input it cannot frame alone is refused (connection closed). */
function framedAlone(bytes: Buffer): string | undefined {
  try {
    const messages = new TcpFramer().push(bytes);
    return messages.length === 1 ? messages[0] : undefined;
  } catch {
    return undefined;
  }
}

function histogram(values: (string | number | undefined)[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[String(value)] = (counts[String(value)] ?? 0) + 1;
  return counts;
}

/** Every owed input still without a final response: id, what was sent, what came back. */
function missingReport(inputs: FuzzInput[], owed: Set<string>, responses: ResponseLog): string {
  const missing = inputs.filter((input) => owed.has(input.id) && responses.final(input.id) === undefined);
  return missing
    .map(
      (input) =>
        `${input.id}: ${input.description}; ${input.text.length} bytes; responses ${JSON.stringify(responses.seen(input.id))}; starts ${JSON.stringify(input.text.slice(0, 160))}`,
    )
    .join('\n');
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fuzzLine(transport: 'udp' | 'tcp'): Promise<LineProcess> {
  const line = await LineProcess.start({
    type: 'sip',
    aor: 'sip:303@127.0.0.1',
    transport,
    autoAnswer: true,
    tcp: { maxConnectionsPerPeer: PER_PEER_CAP, maxConnections: 64 },
  });
  cleanups.push(() => line.stop());
  return line;
}

/** sipp places one ordinary call; the line process must answer it. */
async function validCall(line: LineProcess, transport: 'udp' | 'tcp'): Promise<void> {
  const answeredBefore = line.events.filter((event) => event.type === 'answered').length;
  const sipp = await startUac((cleanup) => cleanups.push(cleanup), `127.0.0.1:${line.port}`, { extra: ['-d', '100'], timeout: '15s', transport });
  const result = await sipp.done;
  expect(result.code, result.stdout + result.stderr).toBe(0);
  await waitFor(() => line.events.filter((event) => event.type === 'answered').length > answeredBefore, 'the line to report the sipp call answered', 10_000);
}

function expectAlive(line: LineProcess): void {
  expect(line.alive, `line process ${line.state} (seed ${seed}):\n${line.output}`).toBe(true);
  expect(line.output, `seed ${seed}`).not.toMatch(/Unhandled|uncaught/i);
}

describe(`SIP fuzzing against a line in its own process (fast-check seed ${seed}; FC_SEED=${seed} replays)`, () => {
  it(`${UDP_INPUTS} generated requests over UDP: the process stays up, every request it can read gets a final response, a call still works`, async () => {
    const line = await fuzzLine('udp');
    const inputs = fc.sample(sipInput(line.port, 'UDP'), { numRuns: UDP_INPUTS, seed });
    const socket: DgramSocket = createSocket('udp4');
    cleanups.push(() => socket.close());
    const responses = new ResponseLog();
    socket.on('message', (data) => responses.record(data.toString('utf8')));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    const send = (input: FuzzInput) => new Promise<void>((resolve) => socket.send(Buffer.from(input.text, 'latin1'), line.port, '127.0.0.1', () => resolve()));

    // Like a UAC's timer A: an owed request without a final is sent again at 0.5 s, 1 s, 2 s, 4 s, 4 s…
    const owed = new Set(inputs.filter((input) => owesFinal(Buffer.from(input.text, 'latin1').toString('utf8'))).map((input) => input.id));
    const inFlight = new Map<string, { input: FuzzInput; nextAt: number; intervalMs: number }>();
    let retransmissions = 0;
    const retransmitDue = async () => {
      for (const [id, entry] of inFlight) {
        if (responses.final(id) !== undefined) inFlight.delete(id);
        else if (Date.now() >= entry.nextAt) {
          retransmissions++;
          entry.intervalMs = Math.min(entry.intervalMs * 2, 4_000);
          entry.nextAt = Date.now() + entry.intervalMs;
          await send(entry.input);
        }
      }
    };
    const deadline = Date.now() + FINALS_DEADLINE_MS;
    for (const input of inputs) {
      while (inFlight.size >= UDP_WINDOW && Date.now() < deadline && line.alive) {
        await retransmitDue();
        await sleep(5);
      }
      await send(input);
      if (owed.has(input.id)) inFlight.set(input.id, { input, nextAt: Date.now() + 500, intervalMs: 500 });
    }
    while (inFlight.size > 0 && Date.now() < deadline && line.alive) {
      await retransmitDue();
      await sleep(20);
    }

    const finals = [...owed].map((id) => responses.final(id));
    console.info(
      `fuzz udp (seed ${seed}): ${inputs.length} inputs ${JSON.stringify(histogram(inputs.map((input) => input.kind)))}, ${owed.size} owed a final, ${retransmissions} retransmissions; finals ${JSON.stringify(histogram(finals))}`,
    );
    expectAlive(line);
    expect(owed.size, `seed ${seed}`).toBeGreaterThan(UDP_INPUTS / 4);
    expect(missingReport(inputs, owed, responses), `requests without a final response after ${FINALS_DEADLINE_MS} ms (seed ${seed})`).toBe('');
    expect(line.events.filter((event) => event.type === 'status').at(-1)).toMatchObject({ status: { state: 'ready' } });
    await validCall(line, 'udp');
    expectAlive(line);
  }, 90_000);

  it(`${TCP_INPUTS} generated requests over TCP and a flood of ${FLOOD_CONNECTIONS} connections: the process stays up, answers what it frames, keeps the per-address cap, takes a call`, async () => {
    const line = await fuzzLine('tcp');
    const inputs = fc.sample(sipInput(line.port, 'TCP'), { numRuns: TCP_INPUTS, seed });
    const responses = new ResponseLog();
    const owed = new Set<string>();
    for (const input of inputs) {
      const bytes = Buffer.from(input.text, 'latin1');
      const framed = framedAlone(bytes);
      const owes = framed !== undefined && owesFinal(framed);
      if (owes) owed.add(input.id);
      const socket = connect({ host: '127.0.0.1', port: line.port });
      let received = '';
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString('utf8');
        responses.record(received);
      });
      socket.on('error', () => undefined);
      try {
        await waitFor(() => socket.readyState === 'open' || socket.destroyed, 'a TCP connection to the line', 10_000);
        socket.write(bytes);
        if (owes)
          await waitFor(
            () => responses.final(input.id) !== undefined || socket.destroyed || !line.alive,
            `a final response to ${input.id} over TCP (seed ${seed})`,
            15_000,
          ).catch(() => undefined);
      } finally {
        socket.destroy();
      }
    }
    const finals = [...owed].map((id) => responses.final(id));
    console.info(`fuzz tcp (seed ${seed}): ${inputs.length} inputs, ${owed.size} framed and owed a final; finals ${JSON.stringify(histogram(finals))}`);
    expectAlive(line);
    expect(missingReport(inputs, owed, responses), `requests without a final response over TCP (seed ${seed})`).toBe('');

    // The flood comes from another loopback address, so the per-address cap keeps room for real peers.
    const flood: Socket[] = [];
    cleanups.push(() => flood.forEach((socket) => socket.destroy()));
    for (let index = 0; index < FLOOD_CONNECTIONS; index++) {
      const socket = connect({ host: '127.0.0.1', port: line.port, localAddress: '127.0.0.3' });
      socket.on('error', () => undefined);
      flood.push(socket);
    }
    await waitFor(() => flood.every((socket) => socket.destroyed || socket.readyState === 'open'), 'flood connected or refused', 20_000);
    await waitFor(() => flood.filter((socket) => !socket.destroyed).length <= PER_PEER_CAP, 'flood trimmed to the per-address cap', 20_000);
    const held = flood.filter((socket) => !socket.destroyed).length;
    console.info(`fuzz tcp flood: ${FLOOD_CONNECTIONS} connections from 127.0.0.3, ${held} held`);
    expect(held).toBe(PER_PEER_CAP);
    expectAlive(line);
    await validCall(line, 'tcp');
    expectAlive(line);
  }, 90_000);
});
