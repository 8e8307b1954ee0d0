import { SipLineSchema, type SipLine } from '../../src/index.js';
import { EventRecorder } from './event-recorder.js';
import type { Kamailio } from './kamailio.js';

/** The settings of a line `user` (password "secret") registering at the lab kamailio over TLS; `extra` overrides. */
export function tlsLineSettings(kamailio: Kamailio, user: string, extra: Record<string, unknown> = {}) {
  return SipLineSchema.parse({
    type: 'sip',
    aor: `sip:${user}@127.0.0.1`,
    password: 'secret',
    registrar: kamailio.tlsAddress,
    transport: 'tls',
    ...extra,
  });
}

/** Starts `line` and waits (15 s at most) for its first ready or failed status: its events and that status. */
export async function settled(line: SipLine) {
  const events = new EventRecorder(line);
  await line.start();
  const status = await events.waitFor('status', (event) => ['ready', 'failed'].includes(event.status.state), 15_000);
  return { events, status: status.status };
}
