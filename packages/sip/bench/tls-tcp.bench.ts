/**
 * SIP over TLS beside TCP, in the same run, against the same kamailio (tls module, a CA made here with
 * openssl): registration rate (a new line each time: connect — with the TLS handshake — REGISTER with
 * digest, 200, then unREGISTER) and call set-up rate (line → kamailio → line with autoAnswer, INVITE with
 * the 407 challenge, answered, hung up). Figures are TLS/TCP ratios; issue 13 targets ≥ 0.7. ≤ 1 min.
 *
 * A line's next connection resumes its TLS session where kamailio resumes it (one TLS worker: the
 * default here; CALLHOOK_TLS_BENCH_RESUME=0 for the lab's two workers, where each is a full handshake).
 * Also what a full handshake alone costs: bare `tls.connect`s (no SIP, no session offered, the line's
 * trust context) beside bare `net.connect`s to the same kamailio, and the best TLS/TCP registration ratio
 * that allows without resumption — the TCP registration's time over itself plus the handshake's extra.
 */
import { connect as connectTcp } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { createSipLine, SipLineSchema, type SipLine } from '../src/index.js';
import { loadTlsMaterial, secureContextFor } from '../src/transport/tls-trust.js';
import { EventRecorder } from '../test/support/event-recorder.js';
import { startKamailio } from '../test/support/kamailio.js';
import { createTestCa } from '../test/support/test-ca.js';

const REGISTRATIONS = 40;
const CALLS = 60;
const CALL_CONCURRENCY = 4;
const ROUNDS = 2;

const ca = createTestCa();
/**
 * kamailio with one TCP/TLS worker, which resumes TLS sessions (its tickets are per worker process);
 * CALLHOOK_TLS_BENCH_RESUME=0 keeps the lab's two workers, where every new connection is a full handshake.
 */
const RESUMING = process.env.CALLHOOK_TLS_BENCH_RESUME !== '0';
const kamailio = await startKamailio({ tls: { ...ca.issue('pbx', 'IP:127.0.0.1'), oneWorker: RESUMING } });

function line(user: string, transport: 'tcp' | 'tls', extra: Record<string, unknown> = {}): SipLine {
  return createSipLine(
    SipLineSchema.parse({
      type: 'sip',
      aor: `sip:${user}@127.0.0.1`,
      password: 'secret',
      registrar: transport === 'tls' ? kamailio.tlsAddress : kamailio.address,
      transport,
      tls: { caFile: ca.caFile },
      keepAliveSeconds: 0,
      ...extra,
    }),
  );
}

async function ready(target: SipLine): Promise<EventRecorder> {
  const events = new EventRecorder(target);
  await target.start();
  const status = await events.waitFor('status', (event) => ['ready', 'failed'].includes(event.status.state), 15_000);
  if (status.status.state !== 'ready') throw new Error(`line did not register: ${status.status.detail}`);
  return events;
}

/** Registrations per second, one new line (and connection) after the other. */
async function registrationRate(transport: 'tcp' | 'tls'): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < REGISTRATIONS; i++) {
    const registering = line(`7${i % 10}0`, transport);
    await ready(registering);
    await registering.stop();
  }
  return REGISTRATIONS / ((performance.now() - started) / 1000);
}

/** Calls set up per second (make_call → answered → hangup → ended), CALL_CONCURRENCY at a time; and mean set-up ms. */
async function callRate(transport: 'tcp' | 'tls', round: number): Promise<{ rate: number; setupMs: number }> {
  const calleeUser = `8${round}${transport === 'tls' ? 1 : 0}`;
  const callee = line(calleeUser, transport, { autoAnswer: true });
  const caller = line(`9${round}${transport === 'tls' ? 1 : 0}`, transport);
  try {
    await ready(callee);
    const events = await ready(caller);
    let next = 0;
    let setupTotal = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < CALLS) {
        const id = `${transport}-${round}-${next++}`;
        const dialled = performance.now();
        await caller.execute({ type: 'make_call', callId: id, target: calleeUser });
        await events.waitFor('answered', (event) => event.lineCallId === id, 15_000);
        setupTotal += performance.now() - dialled;
        await caller.execute({ type: 'hangup', lineCallId: id });
        await events.waitFor('ended', (event) => event.lineCallId === id, 15_000);
      }
    };
    await Promise.all(Array.from({ length: CALL_CONCURRENCY }, worker));
    return { rate: CALLS / ((performance.now() - started) / 1000), setupMs: setupTotal / CALLS };
  } finally {
    await caller.stop();
    await callee.stop();
  }
}

const HANDSHAKES = 200;

/** Mean wall ms of a bare connection to kamailio (TLS: the full handshake, under the lines' own trust context). */
async function bareConnectMs(transport: 'tcp' | 'tls'): Promise<number> {
  const [host, port] = (transport === 'tls' ? kamailio.tlsAddress : kamailio.address).split(':') as [string, string];
  const secureContext = secureContextFor(loadTlsMaterial({ caFile: ca.caFile }));
  const once = () =>
    new Promise<void>((resolve, reject) => {
      const done = () => {
        socket.destroy();
        resolve();
      };
      const socket =
        transport === 'tls'
          ? connectTls({ host, port: Number(port), secureContext, rejectUnauthorized: false }, done)
          : connectTcp({ host, port: Number(port) }, done);
      socket.once('error', reject);
    });
  for (let i = 0; i < 20; i++) await once();
  const started = performance.now();
  for (let i = 0; i < HANDSHAKES; i++) await once();
  return (performance.now() - started) / HANDSHAKES;
}

const results: Record<'tcp' | 'tls', { registrations: number[]; calls: number[]; setupMs: number[] }> = {
  tcp: { registrations: [], calls: [], setupMs: [] },
  tls: { registrations: [], calls: [], setupMs: [] },
};
const bare: Record<'tcp' | 'tls', number[]> = { tcp: [], tls: [] };
const benchStarted = Date.now();
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const transport of ['tcp', 'tls'] as const) {
      results[transport].registrations.push(await registrationRate(transport));
      const calls = await callRate(transport, round);
      results[transport].calls.push(calls.rate);
      results[transport].setupMs.push(calls.setupMs);
    }
    bare.tcp.push(await bareConnectMs('tcp'));
    bare.tls.push(await bareConnectMs('tls'));
  }
} finally {
  await kamailio.stop();
  ca.remove();
}
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const fmt = (value: number) => value.toFixed(1);
const reg = { tcp: mean(results.tcp.registrations), tls: mean(results.tls.registrations) };
const call = { tcp: mean(results.tcp.calls), tls: mean(results.tls.calls) };
const setup = { tcp: mean(results.tcp.setupMs), tls: mean(results.tls.setupMs) };
console.log(
  `\nSIP over TLS beside TCP via kamailio (${ROUNDS} interleaved rounds; ${REGISTRATIONS} registrations, ${CALLS} calls ${CALL_CONCURRENCY} at a time; ${RESUMING ? 'one TLS worker: sessions resumed' : 'two TLS workers: no session resumed'})`,
);
console.log('measure                          TCP      TLS   TLS/TCP (target ≥ 0.7)');
console.log(`registrations/s (new connection) ${fmt(reg.tcp).padStart(6)} ${fmt(reg.tls).padStart(8)}   ${(reg.tls / reg.tcp).toFixed(2)}`);
console.log(`calls set up/s                   ${fmt(call.tcp).padStart(6)} ${fmt(call.tls).padStart(8)}   ${(call.tls / call.tcp).toFixed(2)}`);
console.log(`mean call set-up ms              ${fmt(setup.tcp).padStart(6)} ${fmt(setup.tls).padStart(8)}   (TCP/TLS ${(setup.tcp / setup.tls).toFixed(2)})`);
const handshake = { tcp: mean(bare.tcp), tls: mean(bare.tls) };
const tcpRegistrationMs = 1000 / reg.tcp;
console.log(
  `bare connect ms (full handshake)  ${handshake.tcp.toFixed(2).padStart(6)} ${handshake.tls.toFixed(2).padStart(8)}   → best registration TLS/TCP without resumption: ${(tcpRegistrationMs / (tcpRegistrationMs + handshake.tls - handshake.tcp)).toFixed(2)}`,
);
console.log(`bench took ${((Date.now() - benchStarted) / 1000).toFixed(1)} s`);
