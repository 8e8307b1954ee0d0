import { lossPercent, type CallQuality, type CallSnapshot } from '@callhook/core';

/** `m:ss` (or `h:mm:ss`) since the call was answered; `—` if it never was. */
export function callDuration(call: CallSnapshot, now: number): string {
  if (call.connectedAt === null) return '—';
  const end = call.disconnectedAt === null ? now : Date.parse(call.disconnectedAt);
  const seconds = Math.max(0, Math.floor((end - Date.parse(call.connectedAt)) / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export function callTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

export function callStateLabel(call: CallSnapshot): string {
  if (call.state === 'ringing') return call.direction === 'inbound' ? 'ringing (incoming)' : 'ringing';
  if (call.state === 'held') return 'on hold';
  return call.state;
}

/**
 * The caller's name as a person writes it: `"Anna Schmidt" (420)` → `Anna Schmidt`; an alias that is
 * only the number (no display name) → null.
 */
export function callerName(call: Pick<CallSnapshot, 'remoteAlias' | 'remoteParty'>): string | null {
  const alias = call.remoteAlias.trim();
  const quoted = /^"(.*)"(?:\s*\(.*\))?$/.exec(alias);
  const name = quoted ? quoted[1]!.trim() : alias;
  return name === '' || name === call.remoteParty ? null : name;
}

/** Whether a call in the history was missed (an inbound call nobody answered). */
export function isMissed(call: Pick<CallSnapshot, 'disposition'>): boolean {
  return call.disposition === 'missed';
}

/** One figure of a call's live quality as the console shows it: its label, its text, its full name for screen readers. */
export interface QualityFigure {
  label: 'MOS' | 'loss' | 'jitter' | 'RTT';
  text: string;
}

/**
 * A call's media figures for the console (RFC 3550 §6.4.1 names): estimated MOS with two decimals,
 * packet loss in percent with one (cumulative lost over lost plus received), interarrival jitter in ms
 * with one, RTCP round-trip time in whole ms; `–` for a figure not known yet (no audio, no RTCP report
 * on ours, a snapshot of an older version without `packetsReceived`). Empty for a call without figures.
 */
export function qualityFigures(quality: CallQuality | null): QualityFigure[] {
  if (quality === null) return [];
  const shown = (value: number | null, digits: number, unit: string) => (value === null ? '–' : `${value.toFixed(digits)}${unit}`);
  return [
    { label: 'MOS', text: shown(quality.mos, 2, '') },
    { label: 'loss', text: shown(lossPercent(quality), 1, ' %') },
    { label: 'jitter', text: shown(quality.jitterMs, 1, ' ms') },
    { label: 'RTT', text: shown(quality.rttMs, 0, ' ms') },
  ];
}
