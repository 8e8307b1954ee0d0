import { ACTIONS, CallSnapshotSchema, SlotSchema, type InboundAction } from '@callhook/core';
import { z } from 'zod';

const callRef = z.string().max(64).nullable().default(null);

/** A console command (core's InboundCommand), checked before it reaches the engine. */
export const CommandSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('make_call'), target: z.string().min(1).max(256), force: z.boolean().default(false) }),
  z.strictObject({ action: z.enum(['answer', 'hangup', 'hold', 'unhold']), call: callRef }),
  z.strictObject({ action: z.literal('transfer'), target: z.string().min(1).max(256), call: callRef }),
  z.strictObject({ action: z.literal('dtmf'), digits: z.string().regex(/^[0-9*#A-Da-d]{1,32}$/), call: callRef }),
]);

// Every inbound action has a schema branch; a new one in core fails here at compile time.
const covered: Record<InboundAction, true> = { make_call: true, answer: true, hangup: true, hold: true, unhold: true, transfer: true, dtmf: true };
void covered;

export const SlotTestSchema = z.strictObject({
  slot: SlotSchema,
  action: z.enum(ACTIONS),
  call: CallSnapshotSchema,
});

export const DeliveryIdSchema = z.string().min(1).max(512);
