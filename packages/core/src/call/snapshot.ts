import { z } from 'zod';

export const CALL_DIRECTIONS = ['inbound', 'outbound'] as const;
export const CALL_STATES = ['dialing', 'ringing', 'connected', 'held', 'ended'] as const;
export const DISPOSITIONS = ['answered', 'missed', 'busy', 'rejected', 'cancelled', 'failed'] as const;

const isoTime = z.iso.datetime({ offset: true }).nullable();

/** The public call snapshot (DESIGN §4): CLI `--call` files, control API, live events. */
export const CallSnapshotSchema = z.object({
  guid: z.string().min(1),
  direction: z.enum(CALL_DIRECTIONS),
  localParty: z.string(),
  localAlias: z.string(),
  remoteParty: z.string(),
  remoteAlias: z.string(),
  state: z.enum(CALL_STATES),
  holdState: z.enum(['on_hold', 'off_hold']),
  disposition: z.enum(DISPOSITIONS).nullable().default(null),
  createdAt: isoTime.unwrap(),
  connectedAt: isoTime,
  disconnectedAt: isoTime,
});

export type CallSnapshot = z.infer<typeof CallSnapshotSchema>;
export type CallDirection = CallSnapshot['direction'];
export type CallStateName = CallSnapshot['state'];
export type Disposition = NonNullable<CallSnapshot['disposition']>;
