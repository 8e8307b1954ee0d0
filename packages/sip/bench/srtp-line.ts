/**
 * One SIP line (auto-answer, `media.encryption: sdes`) in a child process of srtp-rtp.bench.ts, so two
 * lines — one taking plain calls, one SRTP calls — can be measured over the same seconds. Messages:
 * `measure` (seconds) → `measured` with the process's CPU ms over that wall time (and its system part), the number of calls
 * using SRTP and the SRTP packets dropped; `stop` stops the line and exits. CALLHOOK_SRTP_LINE_BUILD runs
 * another build of the package (srtp-rtp.bench.ts's CALLHOOK_SRTP_BENCH_BUILDS sets it).
 */
import { pathToFileURL } from 'node:url';
import type * as Sip from '../src/index.js';

/** The build whose line runs here: CALLHOOK_SRTP_LINE_BUILD (a path to an index.ts/index.js, from the working directory), else this package's src. */
const build = process.env.CALLHOOK_SRTP_LINE_BUILD;
const { createSipLine, SipLineSchema } = (await import(build ? pathToFileURL(build).href : '../src/index.js')) as typeof Sip;

const line = createSipLine(SipLineSchema.parse({ type: 'sip', aor: 'sip:303@127.0.0.1', autoAnswer: true, media: { encryption: 'sdes' } }));
await line.start();
process.send!({ type: 'listening', port: line.localAddress!.port });

process.on('message', (message: { type: 'measure'; seconds: number } | { type: 'stop' }) => {
  void (async () => {
    if (message.type === 'measure') {
      const cpuBefore = process.cpuUsage();
      const wallBefore = performance.now();
      await new Promise((resolve) => setTimeout(resolve, message.seconds * 1000));
      const cpu = process.cpuUsage(cpuBefore);
      const ids = line.callIds();
      process.send!({
        type: 'measured',
        cpuMs: (cpu.user + cpu.system) / 1000,
        systemMs: cpu.system / 1000,
        seconds: (performance.now() - wallBefore) / 1000,
        calls: ids.length,
        encrypted: ids.filter((id) => line.callMedia(id)?.encryption !== 'none').length,
        dropped: ids.reduce((sum, id) => sum + (line.callMedia(id)?.srtpDropped ?? 0), 0),
      });
    } else {
      await line.stop();
      process.exit(0);
    }
  })().catch((error: Error) => process.send!({ type: 'error', message: error.message }));
});
