import { CallhookError, SimulatedLine, type Clock, type Line, type LineSettings } from '@callhook/core';

/** The line named by `line.type`. This headless build carries the simulator; others are plugged in by the caller. */
export function createLine(settings: LineSettings, clock: Clock): Line {
  if (settings.type === 'simulator') {
    return new SimulatedLine({ clock, localParty: settings.localParty, localName: settings.displayName, answerAfterMs: settings.answerAfterMs });
  }
  throw new CallhookError(
    'invalid_settings',
    `line.type "${settings.type}" is not part of this headless build; use { "type": "simulator" } or run an edition with the SIP line`,
    { field: 'line.type' },
  );
}
