import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSipLine, SipLineSchema, type SipLine } from '../src/index.js';
import { EventRecorder } from './support/event-recorder.js';
import { startKamailio, type Kamailio } from './support/kamailio.js';
import { createNetns, type Netns } from './support/netns.js';
import { fixture, startSipp, type SippRun } from './support/sipp.js';

// A registrar that is not on loopback: kamailio (and sipp as the far party) inside a network namespace
// joined by a veth pair on a /30 of 198.18.0.0/15. The line runs on its default settings (no bindAddress).
let netns: Netns | undefined;
let kamailio: Kamailio | undefined;
beforeAll(async () => {
  netns = createNetns();
  kamailio = await startKamailio({ host: netns.address, port: 5060, inviteAuth: false, wrap: netns.wrap });
}, 30_000);
afterAll(async () => {
  await kamailio?.stop();
  netns?.remove();
});

/** The messages sipp traced (`-trace_msg`), then its directory is removed. */
function tracedMessages(run: SippRun): string {
  const file = readdirSync(run.cwd).find((name) => name.endsWith('_messages.log'));
  const text = file ? readFileSync(join(run.cwd, file), 'utf8') : '';
  rmSync(run.cwd, { recursive: true, force: true });
  if (process.env.DUMP_TRACE) console.log(text);
  return text;
}

describe('a line on default settings with its registrar on another network', () => {
  let line: SipLine | undefined;
  let sipp: SippRun | undefined;
  afterEach(async () => {
    sipp?.kill();
    await sipp?.done;
    await line?.stop();
  });

  async function startLine() {
    const pbx = netns!.address;
    line = createSipLine(SipLineSchema.parse({ type: 'sip', aor: `sip:303@${pbx}`, password: 'secret', registrar: pbx }));
    const events = new EventRecorder(line);
    await line.start();
    const status = await events.waitFor('status', (event) => ['ready', 'failed'].includes(event.status.state), 15_000);
    expect(status.status).toMatchObject({ state: 'ready' });
    return { line, events };
  }

  it('binds to the address that routes to the registrar, registers, and is called there', async () => {
    const { line, events } = await startLine();
    expect(line.localAddress).toMatchObject({ address: netns!.hostAddress, protocol: 'UDP' });
    // sipp inside the namespace calls 303 at kamailio, which finds the line by the Contact it registered.
    sipp = startSipp(
      [
        '-sf',
        fixture('uac-via-proxy.xml'),
        `${netns!.address}:5060`,
        '-s',
        '303',
        '-i',
        netns!.address,
        '-p',
        '15060',
        '-m',
        '1',
        '-d',
        '300',
        '-timeout',
        '20s',
        '-timeout_error',
        '-trace_msg',
      ],
      30_000,
      true,
      netns!.wrap,
    );
    const incoming = await Promise.race([
      events.waitFor('incoming', () => true, 15_000),
      sipp.done.then((result) =>
        Promise.reject(new Error(`sipp ended before calling (${result.code}): ${result.stdout.slice(-2000)} ${result.stderr.slice(-2000)}`)),
      ),
    ]);
    await line.execute({ type: 'answer', lineCallId: incoming.lineCallId });
    await events.waitFor('ended', () => true, 15_000);
    const result = await sipp.done;
    const trace = tracedMessages(sipp);
    expect(result.code, `${result.stdout.slice(-2000)}\n${result.stderr.slice(-2000)}`).toBe(0);
    const host = netns!.hostAddress;
    // The 200's Contact names the line's in-dialog socket (line.dialogPort), where kamailio relays sipp's ACK and BYE.
    const port = line.localAddress!.dialogPort;
    expect(trace).toMatch(new RegExp(`^Contact: <sip:303@${host.replaceAll('.', '\\.')}:${port};transport=udp[;>]`, 'm'));
    expect(trace).toMatch(new RegExp(`^c=IN IP4 ${host.replaceAll('.', '\\.')}\\r?$`, 'm'));
    expect(events.types(incoming.lineCallId)).toEqual(['incoming', 'answered', 'ended:remote:normal']);
  });

  it('calls through the registrar as outbound proxy with its address in Via, Contact and SDP', async () => {
    const { line, events } = await startLine();
    sipp = startSipp(
      ['-sn', 'uas', '-i', netns!.address, '-p', '15070', '-m', '1', '-timeout', '20s', '-timeout_error', '-trace_msg'],
      30_000,
      true,
      netns!.wrap,
    );
    await line.execute({ type: 'make_call', callId: 'out-netns', target: `sip:uas@${netns!.address}:15070` });
    await events.waitFor('answered', (event) => event.lineCallId === 'out-netns', 15_000);
    await line.execute({ type: 'hangup', lineCallId: 'out-netns' });
    await events.waitFor('ended', () => true, 15_000);
    const result = await sipp.done;
    const trace = tracedMessages(sipp);
    expect(result.code, `${result.stdout.slice(-2000)}\n${result.stderr.slice(-2000)}`).toBe(0);
    const host = netns!.hostAddress;
    const port = line.localAddress!.dialogPort; // our INVITE's Contact: the in-dialog socket
    // kamailio adds its own Via on top; ours is the one with our address and rport.
    expect(trace).toMatch(new RegExp(`^Via: SIP/2\\.0/UDP ${host.replaceAll('.', '\\.')};branch=z9hG4bK\\w+;rport\\r?$`, 'm'));
    expect(trace).toMatch(new RegExp(`^Contact: <sip:303@${host.replaceAll('.', '\\.')}:${port};transport=udp[;>]`, 'm'));
    expect(trace).toMatch(new RegExp(`^c=IN IP4 ${host.replaceAll('.', '\\.')}\\r?$`, 'm'));
    expect(events.types('out-netns').filter((type) => type !== 'alerting')).toEqual(['outgoing', 'answered', 'ended:local:normal']);
  });
});
