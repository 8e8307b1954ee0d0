import { CallhookError } from '../errors.js';
import { e164Of, e164PrefixOf, type ResolvedDialPlan } from '../dial/dial-plan.js';
import { formatDialTarget, phoneUser, type DialTarget } from '../dial/dial-target.js';
import { splitServiceCodes } from '../dial/service-codes.js';

/**
 * Refuses dial targets on the deny list (for every command that makes a call leave: make_call,
 * transfer) and the same make_call target again within a short window (a double click, or a page
 * that fires its link twice) unless forced.
 *
 * Deny prefixes match the normalised number (see `readDialTarget`: separators, `(0)`, encoded
 * spaces and percent-encoding of a SIP URI's user part are gone) both with and without the
 * vertical service codes in front of it (`*31#`, `#31#`, `*67`). With a dial plan, the number and
 * every prefix are also compared in their E.164 reading, and the number also without the outside
 * line prefix: `0900` then also denies `+49900…`, `0049900…` and `00900…` (outside line `0`).
 */
export class DialPolicy {
  private readonly lastDialled = new Map<string, number>();
  private prefixForms: [string, string][] = [];

  constructor(
    private denyPrefixes: readonly string[],
    private duplicateWindowMs: number,
    private plan: ResolvedDialPlan | null = null,
  ) {
    this.prefixForms = this.formsOfPrefixes();
  }

  update(denyPrefixes: readonly string[], duplicateWindowMs: number, plan: ResolvedDialPlan | null = null): void {
    this.denyPrefixes = denyPrefixes;
    this.duplicateWindowMs = duplicateWindowMs;
    this.plan = plan;
    this.prefixForms = this.formsOfPrefixes();
  }

  /** Throws `target_denied` (403) when `target` matches a deny prefix in any of its readings. */
  checkDenied(target: DialTarget): void {
    const readings = this.readingsOf(target);
    for (const [prefix, form] of this.prefixForms) {
      if (readings.some((reading) => reading.startsWith(form))) {
        const shown = formatDialTarget(target);
        throw new CallhookError('target_denied', `target ${shown} matches the denied prefix "${prefix}" (inbound.denyPrefixes)`, { prefix });
      }
    }
  }

  /** `checkDenied`, then refuses a repeat of the same normalised target within the window unless `force`. */
  check(target: DialTarget, force: boolean, now: number): void {
    this.checkDenied(target);
    const key = formatDialTarget(target);
    for (const [dialled, at] of this.lastDialled) if (now - at >= this.duplicateWindowMs) this.lastDialled.delete(dialled);
    const previous = this.lastDialled.get(key);
    if (!force && previous !== undefined) {
      throw new CallhookError(
        'duplicate_dial',
        `${key} was dialled ${now - previous} ms ago; to dial it again add force=1 to the Action URL (callhook dial --force, "force": true in POST /api/v1/commands)`,
        { target: key },
      );
    }
    this.lastDialled.set(key, now);
  }

  private formsOfPrefixes(): [string, string][] {
    const forms: [string, string][] = [];
    for (const prefix of this.denyPrefixes) {
      forms.push([prefix, prefix]);
      const e164 = this.plan ? e164PrefixOf(prefix, this.plan) : null;
      if (e164 !== null && e164 !== prefix) forms.push([prefix, e164]);
    }
    return forms;
  }

  /** Every way the number of `target` can be read: as written, past service codes, past the outside line, in E.164. */
  private readingsOf(target: DialTarget): string[] {
    const full = target.kind === 'number' ? target.serviceCodes + target.number : (phoneUser(target.user) ?? target.user);
    const readings = new Set([full, splitServiceCodes(full).rest]);
    const plan = this.plan;
    if (plan) {
      for (const reading of [...readings]) {
        if (plan.outsideLinePrefix !== '' && reading.startsWith(plan.outsideLinePrefix)) readings.add(reading.slice(plan.outsideLinePrefix.length));
      }
      for (const reading of [...readings]) {
        const e164 = e164Of(reading, plan);
        if (e164 !== null) readings.add(e164);
      }
    }
    return [...readings];
  }
}
