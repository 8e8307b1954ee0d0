import {
  ACTIONS,
  CALL_GUID_PATTERN,
  CallSnapshotSchema,
  DTMF_DIGITS_PATTERN,
  INBOUND_ACTIONS,
  LineIdSchema,
  MaskedSlotSchema,
  parseTarget,
  type InboundCommand,
} from '@callhook/core';
import * as z from 'zod';
import type { SameShape } from './same-shape.js';

// The same rules as the inbound Action URL parser: core's parseTarget (it throws invalid_target),
// call GUIDs, DTMF digits.
const callRef = z
  .string()
  .regex(CALL_GUID_PATTERN, 'call must be a call GUID')
  .transform((guid) => guid.toLowerCase())
  .nullable()
  .default(null);
/** `target` of `action`; missing or empty, the message names the field and what it takes (as the inbound parser's). */
const target = (action: 'make_call' | 'transfer') => {
  const needs = `${action} needs "target": a phone number or a sip:/tel: URI`;
  return z
    .string({ error: needs })
    .min(1, needs)
    .max(256)
    .transform((raw) => parseTarget(raw));
};
const DIGITS_NEEDED = 'dtmf needs "digits": 1–32 of 0-9, *, #, A-D';
/** The line a command is for (optional: make_call then uses the first line). */
const line = LineIdSchema.nullable().optional();
/** A console command (core's InboundCommand) from the control API or the desktop's IPC. */
export const ConsoleCommandSchema = z.discriminatedUnion(
  'action',
  [
    z.strictObject({ action: z.literal('make_call'), target: target('make_call'), force: z.boolean().default(false), line }),
    z.strictObject({ action: z.enum(['answer', 'hangup', 'hold', 'unhold']), call: callRef, line }),
    z.strictObject({ action: z.literal('transfer'), target: target('transfer'), call: callRef, line }),
    z.strictObject({
      action: z.literal('dtmf'),
      digits: z
        .string({ error: DIGITS_NEEDED })
        .regex(DTMF_DIGITS_PATTERN, 'digits takes 1–32 of 0-9, *, #, A-D')
        .transform((d) => d.toUpperCase()),
      call: callRef,
      line,
    }),
  ],
  { error: `"action" must be one of ${INBOUND_ACTIONS.join(', ')}` },
);
/**
 * The console's Test button: a slot (saved or not), the event it fires for, and the call. The slot's
 * secrets may be `{"set": true}`: they are then taken from the saved slot at `index` (its position in
 * `actionUrls.slots`), as long as the slot still sends to the same receiver.
 */
export const SlotTestSchema = z.strictObject({
  slot: MaskedSlotSchema,
  action: z.enum(ACTIONS),
  call: CallSnapshotSchema,
  index: z.number().int().min(0).max(1_000).optional(),
});

// Fails to compile if the schema's output and core's InboundCommand drift apart (a new action included).
const _sameShape: SameShape<z.output<typeof ConsoleCommandSchema>, InboundCommand> = true;
void _sameShape;
