import { createSocket } from 'node:dgram';
import { SipLineSchema } from '../src/index.js';
import { describe, expect, it } from 'vitest';
import { createSipLine } from '../src/index.js';
import { EventRecorder } from './support/event-recorder.js';

const settings = (extra: Record<string, unknown> = {}) => SipLineSchema.parse({ type: 'sip', aor: 'sip:303@127.0.0.1', ...extra });

describe('SipLine lifecycle', () => {
  it('fails to start with a clear status when its port is taken', async () => {
    const squatter = createSocket('udp4');
    await new Promise<void>((resolve) => squatter.bind(0, '127.0.0.1', () => resolve()));
    const line = createSipLine(settings({ port: squatter.address().port }));
    try {
      await expect(line.start()).rejects.toMatchObject({ code: 'line_error' });
      expect(line.status()).toMatchObject({ state: 'failed', detail: expect.stringContaining('cannot listen on udp 127.0.0.1:') });
    } finally {
      squatter.close();
    }
  });

  it('never shows a password in a start-up error or a status detail', async () => {
    // Settings that skipped validation (the schema refuses a password in the AOR) with a host sip.js cannot parse.
    const badAor = createSipLine({ ...settings(), aor: 'sip:303:hunter2-aor@[bad' });
    const error = await badAor.start().then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toBe('bad address of record sip:303:***@[bad');
    await badAor.stop();
    // An error that quotes what it was given: here the bind address happens to be the password.
    // (The schema refuses a bind address that is no IP address; this one skips validation like badAor.)
    const quoting = createSipLine({ ...settings({ password: 'hunter2-pass' }), bindAddress: 'hunter2-pass.invalid' });
    await expect(quoting.start()).rejects.toMatchObject({ code: 'line_error', message: expect.not.stringContaining('hunter2-pass') });
    expect(quoting.status()).toMatchObject({ state: 'failed', detail: expect.stringContaining('cannot listen on udp ***.invalid:0') });
  });

  it('refuses commands before start and for unknown calls, and restarts after stop on the same port', async () => {
    const line = createSipLine(settings({ transport: 'tcp' }));
    const events = new EventRecorder(line);
    await expect(line.execute({ type: 'make_call', callId: 'x', target: '1' })).rejects.toMatchObject({ code: 'line_not_ready' });
    await line.start();
    const port = line.localAddress!.port;
    await expect(line.execute({ type: 'hangup', lineCallId: 'nope' })).rejects.toMatchObject({ code: 'no_such_call' });
    await expect(line.execute({ type: 'make_call', callId: 'y', target: 'two words' })).rejects.toMatchObject({ code: 'invalid_target' });
    await line.stop();
    const again = createSipLine(settings({ transport: 'tcp', port }));
    await again.start();
    expect(again.status()).toEqual({ state: 'ready', detail: `listening on tcp 127.0.0.1:${port}` });
    await again.stop();
    expect(events.types()).toEqual(['status:starting', 'status:ready', 'status:stopped']);
  });
});
