import { SettingsError } from '@callhook/core';
import { isIPv4, isIPv6 } from 'node:net';

/** True for 127.0.0.0/8 and ::1 (in any spelling): addresses only this machine can reach. */
export function isLoopbackAddress(address: string): boolean {
  if (isIPv4(address)) return address.startsWith('127.');
  if (isIPv6(address)) return new URL(`http://[${address}]/`).hostname === '[::1]';
  return false;
}

/**
 * The secure default for a listener without `inbound.token`: allowed only when every `inbound.listen`
 * address is loopback. Returns the one-line reason to refuse start-up (naming the field and the fix),
 * or null when the listener may start.
 */
export function exposureProblem(inbound: { token: string | null; listen: readonly string[] }): string | null {
  if (inbound.token !== null) return null;
  const exposed = inbound.listen.filter((address) => !isLoopbackAddress(address));
  if (exposed.length === 0) return null;
  return `inbound.token is unset but inbound.listen includes ${exposed.join(', ')}, which other machines can reach; set inbound.token (callhook config init makes one) or listen on 127.0.0.1 and ::1 only`;
}

/**
 * Refuses settings whose enabled listener other machines could reach without a token
 * ({@link exposureProblem}): throws a `SettingsError` on `inbound.token`, as the schema's own refusals,
 * so `config check` and `serve` report it alike (exit 3).
 */
export function refuseExposedListener(inbound: { enabled: boolean; token: string | null; listen: readonly string[] }): void {
  const problem = inbound.enabled ? exposureProblem(inbound) : null;
  if (problem !== null) throw new SettingsError([{ path: 'inbound.token', message: problem }]);
}
