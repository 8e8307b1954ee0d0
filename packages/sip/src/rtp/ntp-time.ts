/** Seconds from the NTP epoch (1900) to the Unix epoch (1970). */
const NTP_UNIX_OFFSET_S = 2_208_988_800;

/** A 64-bit NTP timestamp (RFC 3550 §4: seconds since 1900 in 32.32 fixed point) for epoch ms. */
export function ntpTimestamp(epochMs: number): bigint {
  const seconds = Math.floor(epochMs / 1000) + NTP_UNIX_OFFSET_S;
  const fraction = Math.floor(((epochMs % 1000) / 1000) * 2 ** 32);
  return (BigInt(seconds) << 32n) | BigInt(fraction);
}

/** The middle 32 bits of an NTP timestamp (units of 1/65536 s), as LSR and DLSR use them (RFC 3550 §6.4.1). */
export function ntpMiddle(ntp: bigint): number {
  return Number((ntp >> 16n) & 0xffffffffn);
}
