/**
 * The bench's fake phones in a process of their own, so the engine's process does only callhook's
 * work. Driven over IPC: `start` (N phones) → their URLs; `configure` (event-URL settings per phone);
 * `drive` → when each event URL was fetched, by `<slot>:<number>`; `requests` → how many requests
 * callhook made to the phones so far; `close`.
 */
import { FakeYealink } from '../src/testing/fake-yealink.js';
import { drive, now } from './drive.js';

type Message =
  | { type: 'start'; count: number }
  | { type: 'configure'; entries: { setting: string; value: string }[][] }
  | { type: 'drive' }
  | { type: 'requests' }
  | { type: 'close' };

const SLOT_OF: Record<string, string> = { incoming: 'inbound', connected: 'connected', disconnected: 'disconnected' };
const phones: FakeYealink[] = [];
const sent: [string, number][] = [];
const reply = (message: unknown) => process.send!(message);

process.on('message', (message: Message) => {
  void (async () => {
    switch (message.type) {
      case 'start':
        for (let p = 0; p < message.count; p++) phones.push(await new FakeYealink({ password: 'pw' }).start());
        return reply({ type: 'started', urls: phones.map((phone) => phone.url) });
      case 'configure':
        for (const [p, phone] of phones.entries()) {
          phone.configure(message.entries[p]!);
          phone.onSend = (url) => {
            const match = /\/phone\/[^/]+\/(\w+)\?remote=sip:(\d+)@/.exec(url);
            const slot = match ? SLOT_OF[match[1]!] : undefined;
            if (slot) sent.push([`${slot}:${match![2]}`, now()]);
          };
        }
        return reply({ type: 'configured' });
      case 'drive': {
        const calls: ReturnType<FakeYealink['ringIn']>[] = [];
        const count = phones.length;
        const cpuBefore = process.cpuUsage();
        await drive(
          (i) => (calls[i] = phones[i % count]!.ringIn(String(100_000 + i))),
          (i) => phones[i % count]!.pickUp(calls[i]!),
          (i) => phones[i % count]!.remoteHangup(calls[i]!),
        );
        await Promise.all(phones.map((phone) => phone.drained()));
        const cpu = process.cpuUsage(cpuBefore);
        return reply({ type: 'driven', sent, cpuUs: cpu.user + cpu.system });
      }
      case 'requests':
        // Requests callhook made to the phones so far (probes and commands).
        return reply({ type: 'requested', count: phones.reduce((sum, phone) => sum + phone.log.length, 0) });
      case 'close':
        await Promise.all(phones.map((phone) => phone.close()));
        reply({ type: 'closed' });
        return process.exit(0);
    }
  })();
});
