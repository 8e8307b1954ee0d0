import { Refusal } from '../errors.js';
import { formatDialTarget, readDialTarget } from '../dial/dial-target.js';

/**
 * A dial target in its canonical text (see `readDialTarget` for the accepted forms):
 * `+41 (0)31 123 21 21` → `+41311232121`, `tel:+1-201-555-0123;ext=1234` → `+12015550123p1234`,
 * SIP URIs as written. Throws `invalid_target` naming `field`.
 */
export function parseTarget(raw: string, field = 'target'): string {
  const target = readTarget(raw, field);
  if (target instanceof Refusal) throw target.toError();
  return target;
}

/** `parseTarget` that returns its refusal instead of throwing it. */
export function readTarget(raw: string, field = 'target'): string | Refusal {
  const target = readDialTarget(raw, field);
  return target instanceof Refusal ? target : formatDialTarget(target);
}
