import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const uiRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const ROOTS: Record<string, string> = {
  '/lib/': join(uiRoot, 'dist/lib/'),
  '/zod/': join(uiRoot, 'node_modules/zod/'),
};

/**
 * The test page: the built `@callhook/ui/audio` module (dist/lib, as the desktop renderer gets it; zod
 * through an import map) with a MessageChannel standing in for the main process. `window.harness`
 * holds the session, the "main" end of the port and the frames that reached it.
 */
const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>audio harness</title>
<script type="importmap">{ "imports": { "zod": "/zod/index.js" } }</script>
<script>
  // A module that fails to load fires no page error, only an error event at its script element: say so.
  window.addEventListener('error', (event) => {
    if (event.target instanceof HTMLScriptElement) window.harnessError = 'the harness script failed to load (see the failed requests)';
  }, true);
</script>
<script type="module">
  import * as audio from '/lib/audio/index.js';
  const channel = new MessageChannel();
  const harness = { audio, frames: [], main: channel.port2 };
  // Frames reaching "main" are kept; a test may chain its own handler for replies.
  channel.port2.addEventListener('message', (event) => event.data instanceof Int16Array && harness.frames.push(event.data));
  channel.port2.start();
  harness.session = audio.createAudioSession({ wire: channel.port1 });
  window.harness = harness;
</script></head><body>audio harness</body></html>`;

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.json': 'application/json', '.html': 'text/html' };

export interface AudioPageServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the harness page and the files it imports on 127.0.0.1 (a secure context for getUserMedia). */
export async function startAudioPageServer(): Promise<AudioPageServer> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    const prefix = Object.keys(ROOTS).find((p) => path.startsWith(p));
    const file = prefix && normalize(join(ROOTS[prefix]!, path.slice(prefix.length)));
    if (!prefix || !file || !file.startsWith(ROOTS[prefix]!)) return void res.writeHead(404).end();
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
