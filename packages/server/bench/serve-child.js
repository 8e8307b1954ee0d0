// A listener in its own process for the flood benchmark; prints its port, stops on SIGTERM.
// Plain JavaScript on the built package: the flood measures the listener as `callhook serve` runs it,
// without a TypeScript loader in the way.
import { loadSettings } from '@callhook/core';
import { startServer } from '../dist/index.js';

const server = await startServer({
  settings: loadSettings({
    inbound: {
      enabled: true,
      listen: ['127.0.0.1'],
      token: process.env.BENCH_TOKEN,
      actions: { make_call: true },
      rateLimit: { max: 100_000, windowMs: 1_000 },
    },
    line: { type: 'simulator', answerAfterMs: null },
  }),
  dataDir: ':memory:',
  port: 0,
});
process.stdout.write(`${server.port}\n`);
process.once('SIGTERM', () => void server.stop(1_000).then(() => process.exit(0)));
