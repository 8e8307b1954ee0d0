import { startBaresip, startKamailio, startReceiver, waitFor, type Baresip, type Kamailio, type Receiver } from '@callhook/test-support';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './support/free-port.js';
import { startServe, type Served } from './support/serve.js';
import { SnomFront } from './support/snom-front.js';

/**
 * Hardware telephone mode end to end with real SIP: a caller (baresip) → kamailio → the "desk phone",
 * a second baresip behind a fake Snom HTTP front (`SnomFront`) that takes Snom's remote-control URLs
 * and fires Snom's Action URLs from baresip's call events. `callhook serve` runs a deskphone line
 * (vendor snom, account 987@example.com, provisioning the front) with Action URLs to a loopback
 * receiver.
 */
describe('callhook serve ⇄ fake Snom front ⇄ baresip ⇄ kamailio ⇄ baresip', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('reports a real call in and places a real call out, with <$local_party> = <$local_alias> = 987@example.com', async () => {
    const kamailio: Kamailio = await startKamailio();
    cleanups.push(() => kamailio.stop());
    const caller: Baresip = await startBaresip(`<sip:601@127.0.0.1:${kamailio.port}>;auth_pass=secret;answermode=auto;audio_codecs=pcmu,pcma`);
    cleanups.push(() => caller.stop());
    const desk: Baresip = await startBaresip(`<sip:987@127.0.0.1:${kamailio.port}>;auth_pass=secret;answermode=manual;audio_codecs=pcmu,pcma`);
    cleanups.push(() => desk.stop());
    await caller.waitRegistered();
    await desk.waitRegistered();
    const front = await new SnomFront(desk, kamailio.address, { password: 'pw', account: '987@example.com' }).start();
    cleanups.push(() => front.close());
    const receiver: Receiver = await startReceiver();
    cleanups.push(() => receiver.close());

    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'callhook-snom-baresip-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const config = join(dir, 'callhook.json');
    const query = 'guid=<$call_guid>&lp=<$local_party>&la=<$local_alias>&rp=<$remote_party>&line=<$line_id>&d=<$call_disposition>';
    writeFileSync(
      config,
      JSON.stringify({
        actionUrls: {
          enabled: true,
          slots: ['inbound', 'outbound', 'connected', 'disconnected'].map((on) => ({ on, url: `${receiver.url}/${on}?${query}` })),
        },
        inbound: { enabled: true, listen: ['127.0.0.1'], actions: { make_call: true, answer: true, hangup: true } },
        lines: [
          {
            id: 'desk-12',
            type: 'deskphone',
            vendor: 'snom',
            url: front.url,
            username: 'admin',
            password: 'pw',
            account: '987@example.com',
            callback: { listen: '127.0.0.1', port, url: `http://127.0.0.1:${port}` },
            provision: true,
          },
        ],
      }),
    );
    const serve: Served = await startServe(['--config', config, '--data', ':memory:', '--port', '0', '--no-console']);
    cleanups.push(() => serve.stop());
    const base = serve.url;
    const state = async () => ((await fetch(`${base}api/v1/lines`).then((r) => r.json())) as { lines: { status: { state: string } }[] }).lines[0]?.status.state;
    await waitFor(async () => (await state()) === 'ready', 'the desk-phone line ready', 30_000);
    expect(front.eventUrls.get('action_incoming_url')).toContain(`http://127.0.0.1:${port}/phone/`);
    const why = () =>
      `\ncaller: ${caller.events.map((e) => e.type).join(',')}\nbaresip at the desk: ${front.baresipEvents.map((e) => e.type).join(',')}\nphone got: ${front.log.map((l) => l.url).join(' ')}`;
    const arrived = (on: string, count = 1) => receiver.received.filter((r) => r.url.startsWith(`/${on}?`)).length >= count;

    // A real call in: 601 dials 987 through kamailio; callhook answers it (Snom key=ENTER → baresip accept); 601 hangs up.
    await caller.command('dial', `sip:987@127.0.0.1:${kamailio.port}`);
    await waitFor(() => arrived('inbound'), `the inbound Action URL${why()}`, 30_000);
    const answered = await fetch(`${base}?action=answer&line=desk-12`);
    expect(answered.status, await answered.text()).toBe(200);
    await waitFor(() => arrived('connected'), `the connected Action URL${why()}`, 30_000);
    await caller.command('hangup');
    await waitFor(() => arrived('disconnected'), `the disconnected Action URL${why()}`, 30_000);

    // Click-to-dial: make_call → Snom command.htm?number= → the desk's baresip dials 601, who answers (auto); callhook hangs up (key=CANCEL).
    const placed = await fetch(`${base}?action=make_call&target=601&line=desk-12`);
    expect(placed.status, await placed.text()).toBe(200);
    await waitFor(() => arrived('connected', 2), `the second connected Action URL${why()}`, 30_000);
    expect(caller.events.filter((e) => e.type === 'CALL_ESTABLISHED')).toHaveLength(2);
    const hungUp = await fetch(`${base}?action=hangup&line=desk-12`);
    expect(hungUp.status, await hungUp.text()).toBe(200);
    await waitFor(() => arrived('disconnected', 2), `the second disconnected Action URL${why()}`, 30_000);
    await waitFor(() => caller.events.filter((e) => e.type === 'CALL_CLOSED').length === 2, 'the caller saw the second call end', 30_000);

    const got = receiver.received.map((r) => {
      const url = new URL(r.url, receiver.url);
      return { on: url.pathname.slice(1), ...Object.fromEntries(url.searchParams) } as Record<string, string>;
    });
    expect(got.map((g) => g.on)).toEqual(['inbound', 'connected', 'disconnected', 'outbound', 'connected', 'disconnected']);
    for (const g of got) expect(g).toMatchObject({ lp: '987@example.com', la: '987@example.com', rp: '601', line: 'desk-12' });
    expect(got[2]).toMatchObject({ d: 'answered' });
    expect(got[5]).toMatchObject({ d: 'answered' });
    expect(new Set(got.slice(0, 3).map((g) => g.guid)).size).toBe(1);
    expect(new Set(got.slice(3).map((g) => g.guid)).size).toBe(1);
    expect(got[0]!.guid).not.toBe(got[3]!.guid);
    expect(front.log.map((l) => l.url)).toEqual(
      expect.arrayContaining(['/command.htm?key=ENTER', '/command.htm?number=601&outgoing_uri=987%40example.com', '/command.htm?key=CANCEL']),
    );
  }, 180_000);
});
