import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { SipLineSchema } from '../src/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSipLine, type SipLine } from '../src/index.js';
import { malformedCorpus } from './fixtures/malformed-corpus.js';
import { EventRecorder } from './support/event-recorder.js';
import { startSipp, uacArgs } from './support/sipp.js';
import { sleep, waitFor } from '@callhook/test-support';

async function sendUdp(port: number, texts: string[]): Promise<void> {
  const socket = createSocket('udp4');
  for (const text of texts) {
    await new Promise<void>((resolve) => socket.send(Buffer.from(text, 'latin1'), port, '127.0.0.1', () => resolve()));
  }
  socket.close();
}

async function sendTcp(port: number, text: string, chunkSize = 0): Promise<void> {
  await new Promise<void>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, async () => {
      const bytes = Buffer.from(text, 'latin1');
      const step = chunkSize || bytes.length || 1;
      for (let offset = 0; offset < bytes.length; offset += step) {
        socket.write(bytes.subarray(offset, offset + step));
        if (chunkSize) await sleep(1);
      }
      setTimeout(() => socket.destroy(), 100);
    });
    socket.on('error', () => resolve());
    socket.on('close', () => resolve());
    socket.setTimeout(2_000, () => socket.destroy());
  });
}

describe.each(['udp', 'tcp'] as const)('malformed SIP over %s', (transport) => {
  let line: SipLine;
  let events: EventRecorder;
  const warnings: string[] = [];
  beforeAll(async () => {
    line = createSipLine(SipLineSchema.parse({ type: 'sip', aor: 'sip:303@127.0.0.1', transport, autoAnswer: true }), {
      logger: { log: (level, message) => level !== 'debug' && warnings.push(message) },
    });
    events = new EventRecorder(line);
    await line.start();
  });
  afterAll(async () => {
    await line.stop();
  });

  it('drops or refuses every message of the corpus and keeps taking calls', async () => {
    const port = line.localAddress!.port;
    const corpus = malformedCorpus(port).filter((entry) => transport === 'tcp' || Buffer.byteLength(entry.text, 'latin1') < 65_000);
    if (transport === 'udp') {
      await sendUdp(
        port,
        corpus.map((entry) => entry.text),
      );
    } else {
      for (const entry of corpus) await sendTcp(port, entry.text + '\r\n\r\n');
      await sendTcp(port, 'OPTIONS sip:x SIP/2.0\r\n' + 'X'.repeat(70_000));
      await sendTcp(port, malformedCorpus(port)[4]!.text, 7);
    }
    await sleep(300);
    // New INVITEs start one per turn of the event loop (InviteAdmission): on a busy machine the corpus's
    // last ones may still be waiting after the sleep.
    await waitFor(() => warnings.includes('refused a call with an unusable SDP offer (488)'), 'the unusable SDP offers to be refused', 10_000);
    expect(line.status().state).toBe('ready');
    expect(warnings.some((message) => message.includes('malformed'))).toBe(true);
    expect(events.types()).toEqual(['status:starting', 'status:ready']);
    expect(warnings).toContain('refused a call with an unusable SDP offer (488)');

    const sipp = startSipp(await uacArgs(`127.0.0.1:${port}`, { transport }));
    const result = await sipp.done;
    expect(result.code, result.stdout).toBe(0);
    await events.waitFor('answered');
  });
});
