/**
 * The bench's fake phones in a process of their own, so the engine's process does only callhook's
 * work. Driven over IPC: `start` (N phones) → their URLs; `configure` (event-URL settings per phone);
 * `drive` (`calls`, default CALLS; callers numbered from `base`, default 100,000) → when each event URL
 * of that drive was fetched, by `<slot>:<number>`; `simulate` (`url` of a `callhook serve` with a
 * simulator line, `calls`, `base`) → the same for calls rung, answered and hung up on that line over
 * serve's simulator routes (one HTTP request per event, sent from here as a phone's would be);
 * `requests` → how many requests callhook made to the phones so far; `close`.
 */
import { Agent, request } from 'undici';
import { FakeYealink } from '../src/testing/fake-yealink.js';
import { drive, now } from './drive.js';

type Message =
  | { type: 'start'; count: number }
  | { type: 'configure'; entries: { setting: string; value: string }[][] }
  | { type: 'drive'; calls?: number; base?: number }
  | { type: 'simulate'; url: string; calls?: number; base?: number }
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
        const base = message.base ?? 100_000;
        sent.length = 0;
        const count = phones.length;
        const cpuBefore = process.cpuUsage();
        await drive(
          (i) => (calls[i] = phones[i % count]!.ringIn(String(base + i))),
          (i) => phones[i % count]!.pickUp(calls[i]!),
          (i) => phones[i % count]!.remoteHangup(calls[i]!),
          message.calls,
        );
        await Promise.all(phones.map((phone) => phone.drained()));
        const cpu = process.cpuUsage(cpuBefore);
        return reply({ type: 'driven', sent: [...sent], cpuUs: cpu.user + cpu.system });
      }
      case 'simulate': {
        const cpuBefore = process.cpuUsage();
        const { simulated, errors } = await simulate(message.url, message.calls, message.base ?? 100_000);
        const cpu = process.cpuUsage(cpuBefore);
        return reply({ type: 'driven', sent: simulated, cpuUs: cpu.user + cpu.system, errors });
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

/** Drives calls on serve's simulator line at `url`: each step waits for the one before (it needs the call's GUID from `incoming`). */
async function simulate(url: string, calls: number | undefined, base: number): Promise<{ simulated: [string, number][]; errors: number }> {
  const agent = new Agent({ connections: 64 });
  const simulated: [string, number][] = [];
  let errors = 0;
  const fail = (error: unknown) => {
    if (errors++ < 3) console.error('simulator request failed:', String(error));
    return null;
  };
  const post = async (path: string, body: object): Promise<{ call: { guid: string } | null }> => {
    const answer = await request(`${url}api/v1/simulator/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      dispatcher: agent,
    });
    const reply = (await answer.body.json()) as { call: { guid: string } | null };
    if (answer.statusCode !== 200) throw new Error(`${path}: ${answer.statusCode} ${JSON.stringify(reply)}`);
    return reply;
  };
  const steps: Promise<unknown>[] = [];
  const rung: Promise<string | null>[] = [];
  const answered: Promise<string | null>[] = [];
  try {
    await drive(
      (i) => {
        simulated.push([`inbound:${base + i}`, now()]);
        steps.push((rung[i] = post('incoming', { from: String(base + i) }).then((r) => r.call?.guid ?? fail(`no call for ${base + i}`), fail)));
      },
      (i) =>
        steps.push(
          (answered[i] = rung[i]!.then((guid) => {
            if (guid === null) return null;
            simulated.push([`connected:${base + i}`, now()]);
            return post('answer', { call: guid }).then(() => guid, fail);
          })),
        ),
      (i) =>
        steps.push(
          answered[i]!.then((guid) => {
            if (guid === null) return;
            simulated.push([`disconnected:${base + i}`, now()]);
            return post('hangup', { call: guid }).catch(fail);
          }),
        ),
      calls,
    );
    await Promise.all(steps);
    await Promise.all(answered);
    await Promise.all(steps);
  } finally {
    await agent.close();
  }
  return { simulated, errors };
}
