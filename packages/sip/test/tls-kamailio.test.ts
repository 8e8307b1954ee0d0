import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSipLine, SipLineSchema, type SipLine } from '../src/index.js';
import { startBaresip, type Baresip } from './support/baresip.js';
import type { EventRecorder } from './support/event-recorder.js';
import { startKamailio, type Kamailio } from './support/kamailio.js';
import { freePort } from './support/free-port.js';
import { createTestCa, type TestCa } from './support/test-ca.js';
import { settled, tlsLineSettings } from './support/tls-line.js';

// SIP over TLS against kamailio's tls module, with a CA the test makes with openssl. The far party of calls
// is baresip over UDP at the same kamailio: the line's leg is TLS, over the connection it registered on.
let ca: TestCa;
let kamailio: Kamailio;
beforeAll(async () => {
  ca = createTestCa();
  kamailio = await startKamailio({ tls: ca.issue('pbx', 'IP:127.0.0.1,DNS:pbx.test') });
});
afterAll(async () => {
  await kamailio?.stop();
  ca?.remove();
});

function tlsLine(user: string, extra: Record<string, unknown> = {}) {
  return createSipLine(tlsLineSettings(kamailio, user, { tls: { caFile: ca.caFile }, displayName: 'Desk', ...extra }));
}

async function remoteHoldOrResume(baresip: Baresip, events: EventRecorder, command: 'hold' | 'resume') {
  const type = command === 'hold' ? 'held' : 'resumed';
  for (let attempt = 1; ; attempt++) {
    await baresip.command(command);
    try {
      return await events.waitFor(type, (event) => event.by === 'remote', 3_000);
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

describe('a SIP line over TLS at kamailio', () => {
  let line: SipLine | undefined;
  let baresip: Baresip | undefined;
  afterEach(async () => {
    await line?.stop();
    await baresip?.stop();
    line = undefined;
    baresip = undefined;
  });

  it('registers over TLS, with the registrar’s name checked by SNI and subjectAltName', async () => {
    line = tlsLine('501', { tls: { caFile: ca.caFile, serverName: 'pbx.test' } });
    const { status } = await settled(line);
    expect(status).toEqual({ state: 'ready', detail: `registered at ${kamailio.tlsAddress} over TLS` });
    expect(line.localAddress).toMatchObject({ address: '127.0.0.1', protocol: 'TLS' });
    expect(line.localAddress!.port).toBeGreaterThan(0);
  });

  it('is called over TLS, holds both ways, and sees the hangup', async () => {
    baresip = await startBaresip(`<sip:alice502@127.0.0.1:${kamailio.port};transport=udp>;auth_pass=secret;answermode=auto;audio_codecs=pcmu,pcma`);
    await baresip.waitRegistered();
    line = tlsLine('502');
    const { events, status } = await settled(line);
    expect(status.state).toBe('ready');
    await baresip.command('dial', `sip:502@127.0.0.1:${kamailio.port}`);
    const incoming = await events.waitFor('incoming', () => true, 15_000);
    expect(incoming).toMatchObject({ remoteParty: 'alice502', localName: 'Desk' });
    await line.execute({ type: 'answer', lineCallId: incoming.lineCallId });
    await baresip.waitEvent('CALL_ESTABLISHED');
    await events.waitFor('answered');
    await remoteHoldOrResume(baresip, events, 'hold');
    await remoteHoldOrResume(baresip, events, 'resume');
    await line.execute({ type: 'hold', lineCallId: incoming.lineCallId });
    await line.execute({ type: 'unhold', lineCallId: incoming.lineCallId });
    await baresip.command('hangup');
    await events.waitFor('ended');
    expect(events.types(incoming.lineCallId)).toEqual([
      'incoming',
      'answered',
      'held:remote',
      'resumed:remote',
      'held:local',
      'resumed:local',
      'ended:remote:normal',
    ]);
  });

  it('calls out over TLS through the 407 challenge, holds, and hangs up', async () => {
    baresip = await startBaresip(`<sip:alice503@127.0.0.1:${kamailio.port};transport=udp>;auth_pass=secret;answermode=auto;audio_codecs=pcmu,pcma`);
    await baresip.waitRegistered();
    line = tlsLine('503');
    const { events, status } = await settled(line);
    expect(status.state).toBe('ready');
    await line.execute({ type: 'make_call', callId: 'tls-out', target: 'alice503' });
    await events.waitFor('answered', (event) => event.lineCallId === 'tls-out', 15_000);
    await baresip.waitEvent('CALL_ESTABLISHED');
    await line.execute({ type: 'hold', lineCallId: 'tls-out' });
    await line.execute({ type: 'unhold', lineCallId: 'tls-out' });
    await line.execute({ type: 'hangup', lineCallId: 'tls-out' });
    await baresip.waitEvent('CALL_CLOSED');
    await events.waitFor('ended');
    expect(events.types('tls-out').filter((type) => type !== 'alerting')).toEqual([
      'outgoing',
      'answered',
      'held:local',
      'resumed:local',
      'ended:local:normal',
    ]);
  });
});

describe('TLS certificate refusals are line statuses naming the certificate and the fix', () => {
  const extra: Kamailio[] = [];
  let line: SipLine | undefined;
  afterEach(async () => {
    await line?.stop();
    line = undefined;
  });
  afterAll(async () => {
    await Promise.all(extra.map((peer) => peer.stop()));
  });

  it('refuses a server whose CA is not trusted (no caFile)', async () => {
    line = tlsLine('511', { tls: {} });
    const { status } = await settled(line);
    expect(status.state).toBe('failed');
    expect(status.detail).toMatch(
      new RegExp(
        `^cannot register at ${kamailio.tlsAddress} over TLS: the certificate of 127\\.0\\.0\\.1 \\(CN=pbx, .*issued by CN=callhook test CA.*\\) is not trusted .*set line\\.tls\\.caFile`,
      ),
    );
  });

  it('refuses an expired certificate', async () => {
    const expired = await startKamailio({ tls: ca.issue('expired', 'IP:127.0.0.1', { fromDays: -3, toDays: -1 }) });
    extra.push(expired);
    line = createSipLine(
      SipLineSchema.parse({
        type: 'sip',
        aor: 'sip:512@127.0.0.1',
        password: 'secret',
        registrar: expired.tlsAddress,
        transport: 'tls',
        tls: { caFile: ca.caFile },
      }),
    );
    const { status } = await settled(line);
    expect(status).toMatchObject({ state: 'failed', detail: expect.stringMatching(/the certificate of 127\.0\.0\.1 \(CN=expired, .*\) expired on .*renew/) });
  });

  it('refuses a certificate for another host name', async () => {
    const other = await startKamailio({ tls: ca.issue('other', 'DNS:other.test') });
    extra.push(other);
    line = createSipLine(
      SipLineSchema.parse({
        type: 'sip',
        aor: 'sip:513@127.0.0.1',
        password: 'secret',
        registrar: other.tlsAddress,
        transport: 'tls',
        tls: { caFile: ca.caFile },
      }),
    );
    const { status } = await settled(line);
    expect(status).toMatchObject({
      state: 'failed',
      detail: expect.stringMatching(
        /the certificate of 127\.0\.0\.1 \(CN=other, names DNS:other\.test, .*\) does not name 127\.0\.0\.1: .*line\.tls\.serverName/,
      ),
    });
    await line.stop();
    // The same certificate is accepted when the line is told the name it carries.
    line = createSipLine(
      SipLineSchema.parse({
        type: 'sip',
        aor: 'sip:513@127.0.0.1',
        password: 'secret',
        registrar: other.tlsAddress,
        transport: 'tls',
        tls: { caFile: ca.caFile, serverName: 'other.test' },
      }),
    );
    expect((await settled(line)).status.state).toBe('ready');
  });
});

describe('TLS client certificate, reconnection and settings', () => {
  const extra: Kamailio[] = [];
  let line: SipLine | undefined;
  afterEach(async () => {
    await line?.stop();
    line = undefined;
  });
  afterAll(async () => {
    await Promise.all(extra.map((peer) => peer.stop()));
  });

  it('presents a client certificate to a registrar that requires one', async () => {
    const strict = await startKamailio({ tls: { ...ca.issue('strict', 'IP:127.0.0.1'), clientCa: ca.caFile } });
    extra.push(strict);
    const client = ca.issue('desk-521', 'DNS:desk-521.test', { client: true });
    line = createSipLine(
      SipLineSchema.parse({
        type: 'sip',
        aor: 'sip:521@127.0.0.1',
        password: 'secret',
        registrar: strict.tlsAddress,
        transport: 'tls',
        tls: { caFile: ca.caFile, certFile: client.cert, keyFile: client.key },
      }),
    );
    expect((await settled(line)).status).toEqual({ state: 'ready', detail: `registered at ${strict.tlsAddress} over TLS` });
  });

  it('registers again over a new connection when the registrar restarts', async () => {
    const tlsPort = await freePort();
    const port = await freePort();
    const pbx = ca.issue('restarting', 'IP:127.0.0.1');
    let first: Kamailio | undefined = await startKamailio({ port, tls: { ...pbx, port: tlsPort } });
    let second: Kamailio | undefined;
    line = createSipLine(
      SipLineSchema.parse({
        type: 'sip',
        aor: 'sip:522@127.0.0.1',
        password: 'secret',
        registrar: `127.0.0.1:${tlsPort}`,
        transport: 'tls',
        tls: { caFile: ca.caFile },
      }),
      { registrationRetryMs: 300 },
    );
    try {
      const { events, status } = await settled(line);
      expect(status.state).toBe('ready');
      const firstPort = line.localAddress!.port;
      events.clear();
      await first.stop();
      first = undefined;
      await events.waitFor('status', (event) => event.status.detail.includes('lost'), 10_000);
      second = await startKamailio({ port, tls: { ...pbx, port: tlsPort } });
      await events.waitFor('status', (event) => event.status.state === 'ready', 15_000);
      expect(line.localAddress!.port).not.toBe(firstPort);
    } finally {
      await line.stop();
      await first?.stop();
      await second?.stop();
    }
  });

  it('fails the start naming line.tls.caFile when it cannot be read, and needs a registrar', async () => {
    line = tlsLine('523', { tls: { caFile: '/nonexistent/ca.pem' } });
    await expect(line.start()).rejects.toMatchObject({ code: 'line_error' });
    expect(line.status()).toEqual({
      state: 'failed',
      detail: expect.stringMatching(/^line\.tls\.caFile: cannot read \/nonexistent\/ca\.pem \(ENOENT\); give the path/),
    });
    const direct = createSipLine(SipLineSchema.parse({ type: 'sip', aor: 'sip:524@127.0.0.1', transport: 'tls' }));
    await expect(direct.start()).rejects.toMatchObject({ message: expect.stringMatching(/^transport "tls" needs line\.registrar/) });
    expect(() => SipLineSchema.parse({ type: 'sip', aor: 'sip:1@h', transport: 'tls', tls: { certFile: '/c.pem' } })).toThrow(
      /both line\.tls\.certFile and line\.tls\.keyFile/,
    );
  });
});
