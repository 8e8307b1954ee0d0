import { CallhookError } from '../errors.js';
import { dialledDigits } from '../inbound/target.js';

/**
 * Refuses dial targets on the deny list and the same target again within a short window (a double
 * click, or a page that fires its link twice) unless forced.
 */
export class DialPolicy {
  private readonly lastDialled = new Map<string, number>();

  constructor(
    private denyPrefixes: readonly string[],
    private duplicateWindowMs: number,
  ) {}

  update(denyPrefixes: readonly string[], duplicateWindowMs: number): void {
    this.denyPrefixes = denyPrefixes;
    this.duplicateWindowMs = duplicateWindowMs;
  }

  check(target: string, force: boolean, now: number): void {
    const digits = dialledDigits(target);
    const denied = this.denyPrefixes.find((prefix) => digits.startsWith(prefix));
    if (denied !== undefined) {
      throw new CallhookError('target_denied', `target ${target} matches the denied prefix "${denied}" (inbound.denyPrefixes)`, {
        prefix: denied,
      });
    }
    for (const [key, at] of this.lastDialled) if (now - at >= this.duplicateWindowMs) this.lastDialled.delete(key);
    const previous = this.lastDialled.get(target);
    if (!force && previous !== undefined) {
      throw new CallhookError('duplicate_dial', `${target} was dialled ${now - previous} ms ago; add force=1 to dial it again`, { target });
    }
    this.lastDialled.set(target, now);
  }
}
