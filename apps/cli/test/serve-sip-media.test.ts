import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@callhook/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { startServe, type Served, stopServed } from './support/cli.js';
import { freeSipPort, runSippUac } from './support/sipp.js';
import { COUNT_MODULES, fromPackage as from, loadedSources, sourcesOf } from './support/loaded-sources.js';

const CJS = fileURLToPath(new URL('../dist/cjs/', import.meta.url));
/** Libraries only the SIP line's media half uses (packages/sip, src/call-media.ts). */
const MEDIA = ['werift-rtp', 'hash-wasm', 'alawmulaw'];
const TOKEN = 'media-test-token-0123456789abcdef';

let served: Served | null = null;
let dir: string | null = null;
afterEach(async () => {
  await stopServed(served);
  served = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

/** `serve` with an auto-answering SIP line on a free port, counting the files it loads; `env` added to its own. */
async function serveSipLine(env: Record<string, string>) {
  dir = mkdtempSync(join(tmpdir(), 'callhook-sip-media-'));
  const sipPort = await freeSipPort();
  const config = join(dir, 'callhook.json');
  writeFileSync(
    config,
    JSON.stringify({
      inbound: { enabled: true, listen: ['127.0.0.1'], token: TOKEN },
      line: { type: 'sip', aor: 'sip:303@127.0.0.1', port: sipPort, transport: 'udp', autoAnswer: true },
    }),
  );
  const list = join(dir, 'modules.txt');
  writeFileSync(list, '');
  served = await startServe(['--config', config, '--data', ':memory:', '--port', '0', '--no-console'], 1, undefined, {
    args: ['--import', COUNT_MODULES],
    env: { CALLHOOK_BENCH_MODULES: list, CALLHOOK_CODE_CACHE_REPORT: '1', ...env },
  });
  return { sipPort, list };
}

/** What the code cache loader reported at ready (its `code cache: …` line): the bundle files loaded by then, as sources. */
async function sourcesAtReady(): Promise<string[]> {
  await waitFor(() => /code cache: .*\n/.test(served!.stderr()), 'the code cache report at ready');
  const report = JSON.parse(/code cache: (.*)\n/.exec(served!.stderr())![1]!) as { files: Record<string, string> };
  return sourcesOf(Object.keys(report.files).map((name) => join(CJS, name)));
}

/** One sipp call of `holdMs` echoing the RTP it gets; answers the RTP packets callhook's line received in it. */
async function callWithEcho(sipPort: number, holdMs: number): Promise<number> {
  const sipp = await runSippUac(`127.0.0.1:${sipPort}`, '303', 1, ['-d', String(holdMs), '-rtp_echo']);
  expect(sipp.code, sipp.output).toBe(0);
  let received = 0;
  await waitFor(async () => {
    const reply = await fetch(`${served!.urls[0]}api/v1/calls`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const calls = ((await reply.json()) as { recent: { quality?: { packetsReceived?: number } | null }[] }).recent;
    received = calls[0]?.quality?.packetsReceived ?? 0;
    return calls.length === 1 && calls[0]!.quality !== undefined;
  }, 'the call in the history with its quality');
  return received;
}

describe('serve with a SIP line: the media half (SDP, RTP, codecs, SRTP) is not part of the start', () => {
  it('is ready without it, loads it in idle time after ready, and a call then carries RTP both ways', async () => {
    const { sipPort, list } = await serveSipLine({});
    const atReady = await sourcesAtReady();
    // The signalling half is there (the check is not vacuous), the media half is not.
    expect(from(atReady, 'sip.js').length).toBeGreaterThan(0);
    for (const pkg of MEDIA) expect(from(atReady, pkg), `${pkg} loaded at start`).toEqual([]);
    // No call came: it loads by itself once the server is idle.
    await waitFor(() => from(loadedSources(list), 'werift-rtp').length > 0, 'the media half loaded after ready');
    expect(await callWithEcho(sipPort, 1_000)).toBeGreaterThan(10);
  }, 60_000);

  it('loads it at the first call when that comes first, and the call carries RTP both ways', async () => {
    // The after-ready load pushed past the test: the first call finds the media half not loaded.
    const { sipPort, list } = await serveSipLine({ CALLHOOK_AFTER_READY_LOAD_MS: '600000' });
    for (const pkg of MEDIA) expect(from(await sourcesAtReady(), pkg), `${pkg} loaded at start`).toEqual([]);
    expect(from(loadedSources(list), 'werift-rtp')).toEqual([]);
    expect(await callWithEcho(sipPort, 1_000)).toBeGreaterThan(10);
    expect(from(loadedSources(list), 'werift-rtp').length).toBeGreaterThan(0);
  }, 60_000);
});
