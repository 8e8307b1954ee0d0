import { createSocket, type Socket } from 'node:dgram';
import { waitFor } from '@callhook/test-support';
import { describe, expect, it } from 'vitest';
import { SipLineSchema, type SocketStats } from '../src/index.js';
import { freePort, isFree } from './support/free-port.js';
import { mediaSink } from './support/media-sink.js';
import { offerSdp } from './support/raw-uac.js';
import { followContact, scenario } from './support/scenario.js';
import { cleanupAfterEach, startTestLine, startUac } from './support/sip-line-under-sipp.js';
import { withSippUas } from './support/sipp-uas.js';

/**
 * The in-dialog socket of a UDP line (`line.dialogPort`, docs/sip-in-node.md §9): the Contact of the
 * line's INVITEs and of its answers names it, so a peer that routes by the Contact (RFC 3261 §12.1.1,
 * §12.1.2) sends each call's ACK, re-INVITEs and BYE there, away from the new INVITEs queued on the line's
 * own port; a peer that ignores the Contact and keeps sending to the port it called must work the same.
 */
const defer = cleanupAfterEach();

const header = (text: string, name: string) => new RegExp(`^${name}:\\s*(.*?)\\s*$`, 'mi').exec(text)?.[1] ?? '';
const contactPort = (text: string) => Number(/<sips?:[^@>]*@[^:>]+:(\d+)/.exec(header(text, 'Contact'))?.[1]);

/**
 * Checks requests counted per socket and method against the least expected: the same sockets and methods,
 * each at least as often (a retransmission on a busy machine counts again).
 */
function expectAtLeast(actual: SocketStats | undefined, least: SocketStats): void {
  expect(actual).toBeDefined();
  for (const socket of ['main', 'dialog'] as const) {
    const counts = least[socket];
    expect(Object.keys(actual![socket]).sort(), `the methods received on the ${socket} socket`).toEqual(Object.keys(counts).sort());
    for (const [method, count] of Object.entries(counts)) expect(actual![socket][method], `${method} on the ${socket} socket`).toBeGreaterThanOrEqual(count);
  }
}

interface Datagram {
  text: string;
  /** The source port: which of the line's sockets sent it. */
  port: number;
}

/**
 * A registrar and callee on one loopback UDP socket, built by hand so the test sees every datagram's
 * source port: REGISTER → 200 (the Contact echoed), a new call's INVITE → `inviteStatus()` (200 with an SDP
 * answer, or a failure; its retransmissions get the same), BYE → 200; responses go to the request's source (rport).
 */
async function fakePeer(inviteStatus: () => number): Promise<{ port: number; received: Datagram[]; socket: Socket }> {
  const socket = createSocket('udp4');
  const received: Datagram[] = [];
  const sink = await mediaSink();
  defer(() => sink.close());
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  defer(() => socket.close());
  const port = socket.address().port;
  /** Each call's answer, chosen at its first INVITE (a retransmission gets the same). */
  const answers = new Map<string, number>();
  socket.on('message', (data, info) => {
    const text = data.toString('latin1');
    received.push({ text, port: info.port });
    const method = /^([A-Z]+) sip:/.exec(text)?.[1];
    if (method === undefined || method === 'ACK') return;
    const callId = header(text, 'Call-ID');
    if (method === 'INVITE' && !answers.has(callId)) answers.set(callId, inviteStatus());
    const status = method === 'INVITE' ? answers.get(callId)! : 200;
    const to = header(text, 'To');
    const body = method === 'INVITE' && status === 200 ? offerSdp('127.0.0.1', sink.port, '0') : '';
    const response = [
      `SIP/2.0 ${status} ${status === 200 ? 'OK' : 'Busy Here'}`,
      `Via: ${header(text, 'Via')}`,
      `From: ${header(text, 'From')}`,
      `To: ${/;tag=/.test(to) ? to : `${to};tag=peer-${callId.slice(0, 8)}`}`,
      `Call-ID: ${callId}`,
      `CSeq: ${header(text, 'CSeq')}`,
      ...(method === 'REGISTER' ? [`Contact: ${header(text, 'Contact')}`] : []),
      ...(method === 'INVITE' && status === 200 ? [`Contact: <sip:peer@127.0.0.1:${port}>`, 'Content-Type: application/sdp'] : []),
      `Content-Length: ${Buffer.byteLength(body, 'latin1')}`,
      '',
      body,
    ].join('\r\n');
    socket.send(Buffer.from(response, 'latin1'), info.port, info.address);
  });
  return { port, received, socket };
}

describe.each([
  ['follows the Contact', true],
  ['ignores the Contact and sends everything to the port it called', false],
] as const)('a peer that %s', (_name, follow) => {
  it('calls the line (sipp uac): the INVITEs arrive on the line port, the ACKs and BYEs on the one the peer chose, and every call ends by its BYE', async () => {
    const { line, events, target } = await startTestLine(defer, { autoAnswer: true });
    const dialogPort = line.localAddress!.dialogPort!;
    expect(dialogPort).toBeGreaterThan(0);
    expect(dialogPort).not.toBe(line.localAddress!.port);
    const calls = 3;
    const sipp = await startUac(defer, target, {
      scenario: ['-sf', scenario('uac-overload.xml', { HOLD_MS: 200, FOLLOW_CONTACT: followContact(follow) })],
      calls,
      extra: ['-r', '10'],
      timeout: '30s',
    });
    const result = await sipp.done;
    expect(result.code, `${result.stdout.slice(-2000)}${result.stderr.slice(-2000)}`).toBe(0);
    await waitFor(() => events.events.filter((event) => event.type === 'ended').length >= calls, 'every call to end', 30_000);
    const ended = events.events.filter((event) => event.type === 'ended');
    expect(ended.map((event) => `${event.by}:${event.cause}`)).toEqual(Array(calls).fill('remote:normal'));
    expectAtLeast(
      line.socketStats(),
      follow ? { main: { INVITE: calls }, dialog: { ACK: calls, BYE: calls } } : { main: { INVITE: calls, ACK: calls, BYE: calls }, dialog: {} },
    );
  });

  it('is called by the line (sipp uas) and holds, resumes with re-INVITEs and hangs up: each on the socket the peer chose, each reported', async () => {
    const sink = await mediaSink();
    defer(() => sink.close());
    const steps = [...(follow ? ['step-follow-contact.xml'] : []), 'step-remote-hold.xml', 'step-send-bye.xml'];
    const session = await withSippUas('udp', scenario('uas-answer.xml', { MEDIA_PORT: sink.port, CODECS: '0 101' }, steps));
    defer(() => session.close());
    await session.line.execute({ type: 'make_call', callId: 'call-1', target: session.target });
    await session.events.waitFor('ended');
    await session.sippPassed();
    expect(session.events.types('call-1')).toEqual(['outgoing', 'alerting', 'answered', 'held:remote', 'resumed:remote', 'ended:remote:normal']);
    const inDialog = { INVITE: 2, ACK: 2, BYE: 1 };
    expectAtLeast(session.line.socketStats(), follow ? { main: {}, dialog: inDialog } : { main: inDialog, dialog: {} });
  });
});

describe('which socket the line names and sends from', () => {
  it('registers with its own port, calls with the in-dialog port in the Contact, and sends in-dialog requests from it', async () => {
    const statuses = [200, 486];
    const peer = await fakePeer(() => statuses.shift() ?? 486);
    const { line, events } = await startTestLine(defer, { registrar: `127.0.0.1:${peer.port}`, keepAliveSeconds: 0 });
    await events.waitFor('status', (event) => event.status.state === 'ready', 15_000);
    const { port, dialogPort } = line.localAddress!;
    const sent = (method: string) => peer.received.filter(({ text }) => text.startsWith(`${method} `));

    const register = sent('REGISTER')[0]!;
    expect(contactPort(register.text), 'a registrar sends new calls to the line port').toBe(port);
    expect(register.port).toBe(port);

    await line.execute({ type: 'make_call', callId: 'answered', target: `sip:peer@127.0.0.1:${peer.port}` });
    await events.waitFor('answered', (event) => event.lineCallId === 'answered', 15_000);
    await line.execute({ type: 'hangup', lineCallId: 'answered' });
    await events.waitFor('ended', (event) => event.lineCallId === 'answered', 15_000);
    await waitFor(() => sent('ACK').length >= 1 && sent('BYE').length >= 1, 'the ACK and the BYE', 15_000);
    const [invite] = sent('INVITE');
    expect(contactPort(invite!.text), 'the dialog’s remote target is the in-dialog socket').toBe(dialogPort);
    expect(invite!.port, 'a new INVITE leaves from the line port').toBe(port);
    expect(sent('ACK')[0]!.port, 'the ACK of the 2xx leaves from the in-dialog socket').toBe(dialogPort);
    expect(sent('BYE')[0]!.port, 'our BYE leaves from the in-dialog socket').toBe(dialogPort);

    // A refused call: the ACK of the 486 belongs to the INVITE's transaction and leaves from its socket.
    await line.execute({ type: 'make_call', callId: 'busy', target: `sip:peer@127.0.0.1:${peer.port}` });
    expect(await events.waitFor('ended', (event) => event.lineCallId === 'busy', 15_000)).toMatchObject({ cause: 'busy' });
    const busyCallId = header(sent('INVITE').at(-1)!.text, 'Call-ID');
    const busyAck = () => sent('ACK').find(({ text }) => header(text, 'Call-ID') === busyCallId);
    await waitFor(() => busyAck() !== undefined, 'the ACK of the 486', 15_000);
    expect(busyAck()!.port).toBe(port);
  });

  it('keeps one socket with dialogPort false: every Contact names the line port', async () => {
    const peer = await fakePeer(() => 200);
    const { line, events } = await startTestLine(defer, { registrar: `127.0.0.1:${peer.port}`, keepAliveSeconds: 0, dialogPort: false });
    await events.waitFor('status', (event) => event.status.state === 'ready', 15_000);
    expect(line.localAddress!.dialogPort).toBeUndefined();
    await line.execute({ type: 'make_call', callId: 'one', target: `sip:peer@127.0.0.1:${peer.port}` });
    await events.waitFor('answered', () => true, 15_000);
    await line.execute({ type: 'hangup', lineCallId: 'one' });
    await waitFor(() => peer.received.some(({ text }) => text.startsWith('BYE ')), 'the BYE', 15_000);
    const port = line.localAddress!.port;
    const fromLine = peer.received.filter(({ text }) => !text.startsWith('SIP/2.0'));
    expect(fromLine.map(({ port: source }) => source)).toEqual(fromLine.map(() => port));
    expect(fromLine.filter(({ text }) => /^(REGISTER|INVITE) /.test(text)).map(({ text }) => contactPort(text))).toEqual([port, port]);
  });
});

describe('line.dialogPort', () => {
  it('binds a fixed port, and frees it when the line stops', async () => {
    const dialogPort = await freePort();
    const { line } = await startTestLine(() => undefined, { dialogPort });
    try {
      expect(line.localAddress!.dialogPort).toBe(dialogPort);
      expect(await isFree(dialogPort)).toBe(false);
    } finally {
      await line.stop();
    }
    expect(await isFree(dialogPort), 'the in-dialog socket is closed with the line').toBe(true);
  });

  it('refuses a port in use, the line port itself, and a transport without datagrams, naming the field and the fix', async () => {
    const taken = createSocket('udp4');
    await new Promise<void>((resolve) => taken.bind(0, '127.0.0.1', () => resolve()));
    defer(() => taken.close());
    const takenPort = taken.address().port;
    const port = await freePort();
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        { dialogPort: takenPort },
        new RegExp(`cannot listen on udp 127\\.0\\.0\\.1:${takenPort} \\(line\\.dialogPort\\): .*give line\\.dialogPort a free port`),
      ],
      [{ port, dialogPort: port }, new RegExp(`line\\.dialogPort ${port} is line\\.port too: give line\\.dialogPort another port`)],
      [{ transport: 'tcp', dialogPort: 5099 }, /line\.dialogPort 5099 applies to UDP only: .*leave line\.dialogPort at 0/],
    ];
    for (const [settings, message] of cases) {
      const failing = startTestLine(() => undefined, { bindAddress: '127.0.0.1', ...settings });
      await expect(failing).rejects.toThrow(message);
    }
    // The line's own socket was closed again when the second one failed.
    expect(await isFree(port)).toBe(true);
  });

  it('is a port number or false in the settings', () => {
    for (const dialogPort of [-1, 70_000, 1.5, 'any', true]) {
      const parsed = SipLineSchema.safeParse({ type: 'sip', aor: 'sip:303@127.0.0.1', dialogPort });
      expect(parsed.success).toBe(false);
      expect(JSON.stringify(parsed.error?.issues)).toContain('line.dialogPort');
    }
    expect(SipLineSchema.parse({ type: 'sip', aor: 'sip:303@127.0.0.1' }).dialogPort).toBe(0);
  });
});
