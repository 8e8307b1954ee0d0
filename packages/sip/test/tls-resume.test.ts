import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '@callhook/core';
import { createSipLine, type SipLine } from '../src/index.js';
import { startKamailio, type Kamailio } from './support/kamailio.js';
import { createTestCa, type TestCa } from './support/test-ca.js';
import { settled, tlsLineSettings } from './support/tls-line.js';

// TLS session resumption (RFC 8446 §2.2) at kamailio with one TLS worker (its tickets are per process):
// a line's next connection to the PBX resumes the session a verified connection left, and a session is
// never offered to a line with other trust material or another server name.
let ca: TestCa;
let otherCa: TestCa;
let kamailio: Kamailio;
beforeAll(async () => {
  ca = createTestCa();
  otherCa = createTestCa();
  kamailio = await startKamailio({ tls: { ...ca.issue('pbx', 'IP:127.0.0.1,DNS:pbx.test'), oneWorker: true } });
});
afterAll(async () => {
  await kamailio?.stop();
  ca?.remove();
  otherCa?.remove();
});

/** A logger keeping the messages it is given. */
function recordingLogger(): Logger & { messages: string[] } {
  const messages: string[] = [];
  return { messages, log: (_level: string, message: string) => void messages.push(message) } as Logger & { messages: string[] };
}

async function register(tls: Record<string, unknown>, user: string) {
  const logger = recordingLogger();
  const line: SipLine = createSipLine(tlsLineSettings(kamailio, user, { tls, keepAliveSeconds: 0 }), { logger });
  try {
    const { status } = await settled(line);
    return { status, resumed: logger.messages.includes('sip tls session resumed') };
  } finally {
    await line.stop();
  }
}

describe('TLS session resumption', () => {
  it('resumes the verified session on the next connection to the same PBX, and registers on it', async () => {
    const first = await register({ caFile: ca.caFile }, '301');
    expect(first).toMatchObject({ status: { state: 'ready' }, resumed: false });
    const second = await register({ caFile: ca.caFile }, '302');
    expect(second).toMatchObject({ status: { state: 'ready' }, resumed: true });
  });

  it('offers no session to a line with another server name or another CA: each is still checked and refused', async () => {
    expect(await register({ caFile: ca.caFile }, '303')).toMatchObject({ status: { state: 'ready' } });
    const otherName = await register({ caFile: ca.caFile, serverName: 'other.test' }, '304');
    expect(otherName.resumed).toBe(false);
    expect(otherName.status.state).toBe('failed');
    expect(otherName.status.detail).toMatch(/does not name other\.test/);
    const otherTrust = await register({ caFile: otherCa.caFile }, '305');
    expect(otherTrust.resumed).toBe(false);
    expect(otherTrust.status.state).toBe('failed');
    expect(otherTrust.status.detail).toMatch(/is not trusted/);
  });
});
