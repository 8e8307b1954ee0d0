export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export const DIRECTIONS: readonly Direction[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

/** The answerer's direction for an offered one (RFC 3264 §6.1). */
export function mirror(offered: Direction): Direction {
  if (offered === 'sendonly') return 'recvonly';
  if (offered === 'recvonly') return 'sendonly';
  return offered;
}

/** Removes receiving when we hold: we keep sending (silence) but ask the peer not to send. */
export function withLocalHold(direction: Direction, localHold: boolean): Direction {
  if (!localHold) return direction;
  if (direction === 'sendrecv') return 'sendonly';
  if (direction === 'recvonly') return 'inactive';
  return direction;
}

export function sends(direction: Direction): boolean {
  return direction === 'sendrecv' || direction === 'sendonly';
}

/** An offer that stops the offerer from receiving means "you are on hold". */
export function offerMeansHold(offered: Direction): boolean {
  return offered === 'sendonly' || offered === 'inactive';
}
