import type { CallState } from './call-state.js';
import type { CallSnapshot } from './snapshot.js';

/** `"Michael D785" (420)` as in the spec's example; without a display name, the number itself. */
export function aliasOf(name: string | null, party: string): string {
  if (name === null || name.trim() === '') return party;
  return `"${name}" (${userPartOf(party)})`;
}

/** `sip:303@example.com` → `303`; a plain number stays as it is. */
export function userPartOf(party: string): string {
  const withoutScheme = party.replace(/^(sips?|tel):/i, '');
  const at = withoutScheme.indexOf('@');
  return at === -1 ? withoutScheme : withoutScheme.slice(0, at);
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function toSnapshot(state: CallState): CallSnapshot {
  return {
    guid: state.guid,
    lineId: state.lineId,
    direction: state.direction,
    localParty: state.localParty,
    localAlias: aliasOf(state.localName, state.localParty),
    remoteParty: state.remoteParty,
    remoteAlias: aliasOf(state.remoteName, state.remoteParty),
    state: state.phase,
    holdState: state.phase === 'held' ? 'on_hold' : 'off_hold',
    disposition: state.disposition,
    createdAt: iso(state.createdAt)!,
    connectedAt: iso(state.connectedAt),
    disconnectedAt: iso(state.disconnectedAt),
    quality: state.quality,
    recording: state.recorded,
  };
}
