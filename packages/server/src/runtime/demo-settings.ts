import { ACTIONS, INBOUND_ACTIONS, loadSettings, type LoadedSettings, type Random } from '@callhook/core';
import { cryptoRandom } from '@callhook/node';

/** A fresh inbound token: 24 bytes from `random` (the CSPRNG by default), base64url. */
export function generateToken(random: Random = cryptoRandom): string {
  const bytes = new Uint8Array(24);
  random.fill(bytes);
  return Buffer.from(bytes).toString('base64url');
}

/**
 * The embedded settings of `callhook serve --demo`: simulated line, inbound on loopback with every
 * action on and a fresh token, one slot per action pointing at the built-in echo receiver.
 */
export function demoSettings(port: number, token: string): LoadedSettings {
  const echo = `http://127.0.0.1:${port}/api/v1/echo`;
  return loadSettings({
    actionUrls: {
      enabled: true,
      slots: ACTIONS.map((action) => ({
        on: action,
        url: `${echo}?action=<$action>&guid=<$call_guid>&direction=<$call_direction>&remote=<$remote_party>&alias=<$remote_alias>&hold=<$hold_state>&duration=<$call_duration_seconds>&created=<$call_created_time>`,
      })),
    },
    inbound: {
      enabled: true,
      port,
      listen: ['127.0.0.1', '::1'],
      actions: Object.fromEntries(INBOUND_ACTIONS.map((a) => [a, true])),
      token,
      allowFrom: ['127.0.0.0/8', '::1/128'],
    },
    line: { type: 'simulator', answerAfterMs: 2_000 },
  });
}
