import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import type { LineEvent } from '@callhook/core';
import { waitFor } from '@callhook/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './support/free-port.js';
import { LineProcess } from './support/line-process.js';
import { followContact, scenario } from './support/scenario.js';
import { startSipp } from './support/sipp.js';
import { DEFAULT_IDLE_PAIRS } from '../src/rtp/socket-pool.js';

/**
 * Issue 17, "correct under overload": sipp offers new calls far faster than the line can start them
 * (the line alone starts ~650–720 calls/s offered 800/s on a quiet 2-core machine, ~200/s on a shared
 * one; at 400/s a quiet machine refused none, so the test could not see a refusal), each held HOLD_MS.
 * Every call must then be either answered and ended by its BYE — with the BYE answered 200, the
 * call's length in callhook (answered → ended) the hold time, no call left up, no RTP socket left
 * open — or refused at once with 503 + Retry-After. Nothing here is timed: the bounds only end a hang.
 */
const RATE = 1_600;
const CALLS = 1_200;
const HOLD_MS = 1_000;
/** Generous (a hang bound): how far a call's end and length in callhook may stray from sipp's view of it on a busy machine. */
const LATE_BOUND_MS = 3_000;
/** Before the flood, the same line is offered calls well below what it starts (UNFLOODED_RATE calls/s). */
const UNFLOODED_RATE = 20;
const UNFLOODED_CALLS = 40;
/**
 * Under the flood the line must go on starting calls at no less than this share of the rate it started
 * them unflooded, in the same test. Unflooded it starts what is offered (20/s); flooded it starts what it
 * sustains, ~250/s on an idle 2-core machine and 20-30/s when starved to a quarter of a CPU (a CFS quota,
 * bench/overload.bench.ts). 0.5 leaves a starved machine room for the CPU its refusals take and for a
 * share of the CPU that differs between the two phases, and still fails a start rate that collapses
 * (~6 calls/s, when refusals and their retransmissions took the CPU and one start per turn was the rule).
 */
const MIN_FLOODED_START_SHARE = 0.5;

/** Calls started per second over `times` (answered events, epoch ms): first to last. */
function startRate(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted.length > 1 ? ((sorted.length - 1) * 1000) / (sorted.at(-1)! - sorted[0]!) : 0;
}

const cleanups: (() => unknown)[] = [];

/**
 * The overload under test is SIP traffic, not other programs: the line and sipp run at a raised CPU
 * priority where the test may set one (root), so the rest of the suite running beside them on the same
 * two cores (CI runs every package at once) does not starve both eight-fold — which no admission rule
 * inside the line can answer for. Elsewhere they run as they are.
 */
function favour(pid: number): void {
  try {
    setPriority(pid, -10);
  } catch {
    // not permitted (not root): the test runs at the usual priority
  }
}
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The SIP messages of a sipp -trace_msg log, each as its text and when sipp sent or received it (epoch ms). */
function sippMessages(directory: string): { at: number; text: string }[] {
  const trace = readdirSync(directory)
    .filter((name) => name.endsWith('_messages.log'))
    .map((name) => readFileSync(join(directory, name), 'latin1'))
    .join('');
  // Each message follows a line "----…---- 2026-11-30 00:00:23.946778" (sipp's local time, as ours).
  const parts = trace.split(/^-{20,} (\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d+)\s*$/m);
  const messages: { at: number; text: string }[] = [];
  for (let i = 1; i + 2 < parts.length + 1; i += 3) {
    const text = parts[i + 2] ?? '';
    if (/^(UDP message (sent|received))/m.test(text)) messages.push({ at: new Date(`${parts[i]}T${parts[i + 1]!.slice(0, 12)}`).getTime(), text });
  }
  return messages;
}

const header = (message: string, name: string) => new RegExp(`^${name}:\\s*(.*?)\\s*$`, 'mi').exec(message)?.[1] ?? '';

/**
 * The callers either send each call's ACK and BYE to the Contact of the line's 200 — its in-dialog socket
 * (`line.dialogPort`), away from the flood of INVITEs on the line's port — as RFC 3261 §12.1.2 asks, or
 * keep sending everything to the port they called, where the BYEs share the socket with the flood.
 */
describe.each([
  ['to the Contact of its answer', true],
  ['to the port they called', false],
] as const)('a SIP line offered twice the calls it can start, by callers that send in-dialog requests %s', (_name, FOLLOW) => {
  it('answers and ends every call it takes on time, refuses the rest with 503, answers every BYE, and keeps starting calls', async () => {
    const line = await LineProcess.start({ type: 'sip', aor: 'sip:303@127.0.0.1', transport: 'udp', autoAnswer: true });
    cleanups.push(() => line.stop());
    favour(line.pid);
    const sippArgs = async (args: string[]) => [
      ...['-i', '127.0.0.1', '-p', String(await freePort()), '-s', '303', '-timeout', '90s', '-timeout_error'],
      ...args,
      `127.0.0.1:${line.port}`,
    ];

    // One ordinary call first, so what the process loads lazily is loaded, and its idle descriptors counted.
    const warmUp = startSipp(await sippArgs(['-sn', 'uac', '-m', '1', '-d', '100']));
    cleanups.push(() => warmUp.kill());
    expect((await warmUp.done).code).toBe(0);
    await line.waitForEvent((event) => event.type === 'ended', 'the warm-up call to end', 15_000);
    const idleDescriptors = line.openDescriptors();

    // Unflooded: the start rate the flood's is held against.
    const unfloodedEvents = line.events.length;
    const unflooded = startSipp(
      await sippArgs([
        '-sf',
        scenario('uac-overload.xml', { HOLD_MS, FOLLOW_CONTACT: followContact(FOLLOW) }),
        '-r',
        String(UNFLOODED_RATE),
        '-m',
        String(UNFLOODED_CALLS),
      ]),
      60_000,
    );
    cleanups.push(() => unflooded.kill());
    expect((await unflooded.done).code).toBe(0);
    const unfloodedAnswered = () => line.events.slice(unfloodedEvents).filter((event) => event.type === 'answered');
    await waitFor(
      () => line.events.slice(unfloodedEvents).filter((event) => event.type === 'ended').length >= unfloodedAnswered().length,
      'the unflooded calls to end',
      30_000,
    );
    const unfloodedRate = startRate(
      line.events.flatMap((event, index) => (index >= unfloodedEvents && event.type === 'answered' ? [line.eventTimes[index]!] : [])),
    );
    const unfloodedStarted = unfloodedAnswered().length;
    const warmUpEvents = line.events.length;

    const args = await sippArgs([
      '-sf',
      scenario('uac-overload.xml', { HOLD_MS, FOLLOW_CONTACT: followContact(FOLLOW) }),
      '-r',
      String(RATE),
      '-m',
      String(CALLS),
      '-trace_msg',
    ]);
    const flood = startSipp(args, 120_000, true);
    favour(flood.pid);
    cleanups.push(() => rmSync(flood.cwd, { recursive: true, force: true }));
    cleanups.push(() => flood.kill());
    const result = await flood.done;

    // sipp: every call answered (ACK, BYE, 200) or refused with 503; none timed out (exit 0).
    expect(result.code, `no call failed in sipp (timeouts, unanswered BYEs): ${result.stdout.slice(-2500)}${result.stderr.slice(-1500)}`).toBe(0);
    const messages = sippMessages(flood.cwd);
    const received = (status: string, method: string) =>
      new Set(
        messages
          .map(({ text }) => text)
          .filter((text) => /^UDP message received/m.test(text) && new RegExp(`^SIP/2\\.0 ${status} `, 'm').test(text))
          .filter((text) => header(text, 'CSeq').endsWith(method))
          .map((text) => header(text, 'Call-ID')),
      );
    const refused = received('503', 'INVITE');
    const answered = received('200', 'INVITE');
    const byesAnswered = received('200', 'BYE');
    const refusals = messages.map(({ text }) => text).filter((text) => /^SIP\/2\.0 503 /m.test(text));
    expect(refused.size, 'some calls refused: the offered rate is above what the line starts').toBeGreaterThan(0);
    expect(answered.size, 'some calls answered').toBeGreaterThan(0);
    expect(
      [...refused].filter((callId) => answered.has(callId)),
      'no call both answered and refused',
    ).toEqual([]);
    expect(refused.size + answered.size, 'every INVITE answered 200 or 503').toBe(CALLS);
    expect(byesAnswered, 'every answered call had its BYE answered 200').toEqual(answered);
    expect(
      refusals.every((text) => /^Retry-After: \d+$/m.test(text)),
      'every 503 carries Retry-After',
    ).toBe(true);

    // callhook: the answered calls, each ended by the remote after about the hold time; none left up.
    const events = line.events.slice(warmUpEvents);
    const times = line.eventTimes.slice(warmUpEvents);
    const answeredAt = new Map<string, number>();
    events.forEach((event, index) => event.type === 'answered' && answeredAt.set(event.lineCallId, times[index]!));
    expect(answeredAt.size).toBe(answered.size);
    expect(events.filter((event) => event.type === 'incoming')).toHaveLength(answered.size);
    // Read live: `events` above is a copy taken before the last calls ended.
    const ended = () => line.events.slice(warmUpEvents).filter((event): event is Extract<LineEvent, { type: 'ended' }> => event.type === 'ended');
    await waitFor(
      () => line.events.slice(warmUpEvents).filter((event) => event.type === 'ended').length >= answered.size,
      'every answered call to end',
      60_000,
    );
    // Each call's length in callhook (answered → ended) against the same call as sipp lived it (its 200
    // received → its BYE sent, from its trace): a call that ends late in callhook, or whose length is
    // wrong, differs; one that both sides saw held longer on a starved machine does not.
    const endedAt = new Map<string, number>();
    const callerOf = new Map<string, string>();
    line.events.slice(warmUpEvents).forEach((event, index) => {
      if (event.type === 'ended') endedAt.set(event.lineCallId, line.eventTimes[warmUpEvents + index]!);
      if (event.type === 'incoming') callerOf.set(event.remoteParty, event.lineCallId);
    });
    const firstAt = (callId: string, pattern: RegExp) => messages.find(({ text }) => pattern.test(text) && header(text, 'Call-ID') === callId)?.at;
    const lengths = [...answered].map((callId) => {
      const lineCallId = callerOf.get(callId.split('-')[0]!)!;
      const inCallhook = endedAt.get(lineCallId)! - answeredAt.get(lineCallId)!;
      const inSipp = firstAt(callId, /^UDP message sent[^]*^BYE /m)! - firstAt(callId, /^UDP message received[^]*^SIP\/2\.0 200 [^]*^CSeq: 1 INVITE/m)!;
      const late = endedAt.get(lineCallId)! - firstAt(callId, /^UDP message sent[^]*^BYE /m)!;
      return { callId, lineCallId, inCallhook, inSipp, late };
    });
    expect(lengths.filter(({ lineCallId }) => lineCallId === undefined)).toEqual([]);
    const endedBy = ended();
    expect(endedBy.filter((event) => event.by !== 'remote' || event.cause !== 'normal')).toEqual([]);
    const wrong = lengths.filter(({ inCallhook, inSipp, late }) => !(Math.abs(inCallhook - inSipp) <= LATE_BOUND_MS && late <= LATE_BOUND_MS));
    const sorted = (key: 'inCallhook' | 'late') => lengths.map((call) => call[key]).sort((a, b) => a - b);
    const median = (list: number[]) => list[Math.floor(list.length / 2)];
    const floodedRate = startRate([...answeredAt.values()]);
    console.info(
      `overload: calls started ${floodedRate.toFixed(1)}/s flooded, ${unfloodedRate.toFixed(1)}/s unflooded (${unfloodedStarted} of ${UNFLOODED_CALLS} at ${UNFLOODED_RATE}/s); ` +
        `${RATE} calls/s offered, ${CALLS} calls: ${answered.size} answered, ${refused.size} refused with 503 (${refusals.length} 503s sent); ` +
        `call length in callhook (hold ${HOLD_MS} ms) median ${median(sorted('inCallhook'))} ms, max ${sorted('inCallhook').at(-1)} ms; ` +
        `BYE sent → ended median ${median(sorted('late'))} ms, max ${sorted('late').at(-1)} ms`,
    );
    expect(wrong, `every call ends in callhook with sipp's BYE and lasts as long as in sipp (within ${LATE_BOUND_MS} ms)`).toEqual([]);
    expect(ended()).toHaveLength(answered.size);
    expect(
      floodedRate,
      `calls started per second under the flood at least ${MIN_FLOODED_START_SHARE} of the unflooded ${unfloodedRate.toFixed(1)}/s`,
    ).toBeGreaterThanOrEqual(MIN_FLOODED_START_SHARE * unfloodedRate);

    // Every RTP socket closed again or resting in the line's pool (no media left flowing: at most DEFAULT_IDLE_PAIRS
    // pairs rest, one of them the warm-up call's, already counted), the overload counted and logged, the process up.
    const resting = 2 * (DEFAULT_IDLE_PAIRS - 1);
    await waitFor(
      () => line.openDescriptors() <= idleDescriptors + resting,
      `the line's descriptors back to the idle ${idleDescriptors} + ${resting} of resting RTP pairs`,
      30_000,
    );
    expect(line.logs.some((log) => log.level === 'warn' && log.message.startsWith('overloaded: refusing new calls with 503'))).toBe(true);
    expect(line.alive, line.output).toBe(true);
    await line.stop();
    expect(line.overload).toMatchObject({ admitted: answered.size + 1 + unfloodedStarted, shed: refused.size, pending: 0 });
    // Where the calls' ACKs and BYEs arrived (retransmissions count again): the warm-up call (sipp's built-in uac)
    // sends everything to the port it called.
    const { main, dialog } = line.sockets!;
    const calls = answered.size + unfloodedStarted;
    if (FOLLOW) {
      expect(dialog.ACK, 'the ACKs on the in-dialog socket').toBeGreaterThanOrEqual(calls);
      expect(dialog.BYE, 'the BYEs on the in-dialog socket').toBeGreaterThanOrEqual(calls);
    } else {
      expect(dialog, 'nothing on the in-dialog socket').toEqual({});
      expect(main.BYE, 'the BYEs on the line port').toBeGreaterThanOrEqual(calls + 1);
    }
  }, 240_000);
});
