// A SIP line in its own process, for tests that must see the process survive (fuzzing) or run it
// under a lowered descriptor limit (EMFILE). argv[2] = the line settings as JSON. Writes JSON lines to
// stdout: {"type":"ready","port","dialogPort"}, {"type":"event","at","event"} (at: epoch ms when the line emitted it),
// {"type":"log","level","message","fields"}, and on SIGTERM {"type":"overload","stats","sockets"} (the line's
// overloadStats() and socketStats() before it stops). SIGTERM stops the line and exits 0. Nothing here catches unhandled
// rejections on purpose: one ends the process, and the test sees it.
import { SipLineSchema } from '../../src/index.js';
import { createSipLine } from '../../src/index.js';

const write = (record: unknown) => process.stdout.write(`${JSON.stringify(record)}\n`);
const line = createSipLine(SipLineSchema.parse(JSON.parse(process.argv[2] ?? '{}')), {
  logger: { log: (level, message, fields) => level !== 'debug' && write({ type: 'log', level, message, fields }) },
});
line.onEvent((event) => write({ type: 'event', at: Date.now(), event }));
await line.start();
write({ type: 'ready', port: line.localAddress!.port, dialogPort: line.localAddress!.dialogPort });
process.once('SIGTERM', () => {
  write({ type: 'overload', stats: line.overloadStats(), sockets: line.socketStats() });
  void line.stop().finally(() => process.exit(0));
});
