import * as z from 'zod';
import type { LinePlugin } from './line-plugin.js';
import { LINE_COMMON_FIELDS } from './line-settings.js';
import { SimulatedLine } from './simulated-line.js';

/** Settings of a `simulator` line. */
export const SimulatorLineSchema = z.strictObject({
  type: z.literal('simulator'),
  localParty: z.string().min(1).default('sip:303@callhook.invalid'),
  displayName: z.string().nullable().default('Michael'),
  /** Outgoing calls are answered by the simulated remote after this long; null leaves them ringing. */
  answerAfterMs: z.number().int().min(0).max(600_000).nullable().default(2_000),
  ...LINE_COMMON_FIELDS,
});

export type SimulatorLineSettings = z.output<typeof SimulatorLineSchema> & { id: string };

/**
 * The simulator as a line plugin, without HTTP routes (the server adds its `/api/v1/simulator/*`
 * routes). Every field applies live: the next call uses it.
 */
export const simulatorLine: LinePlugin<SimulatorLineSettings> = {
  type: 'simulator',
  settingsSchema: SimulatorLineSchema,
  create: (settings, deps) => new SimulatedLine({ clock: deps.clock, logger: deps.logger, ...simulatorOptions(settings) }),
  restartNeeded: () => [],
};

/** The `SimulatedLine` options a simulator line's settings give. */
export function simulatorOptions(settings: SimulatorLineSettings): { localParty: string; localName: string | null; answerAfterMs: number | null } {
  return { localParty: settings.localParty, localName: settings.displayName, answerAfterMs: settings.answerAfterMs };
}
