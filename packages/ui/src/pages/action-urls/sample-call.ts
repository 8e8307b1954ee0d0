import { SPEC_EXAMPLE_CALL, type Action, type CallSnapshot } from '@callhook/core';

/**
 * The call of the spec's example output: "Michael D785" (420) calls 303 on 2022-02-13 at 17:43:50.
 * Times are UTC and the preview expands them with a zero offset, so it shows the spec's values.
 */
export const SAMPLE_CALL: CallSnapshot = SPEC_EXAMPLE_CALL;

const CONNECTED_AT = '2022-02-13T17:43:55.000Z';

/** The sample call as it looks when `action` fires. */
export function sampleCallFor(action: Action): CallSnapshot {
  switch (action) {
    case 'inbound':
      return SAMPLE_CALL;
    case 'outbound':
      return { ...SAMPLE_CALL, direction: 'outbound', state: 'dialing' };
    case 'connected':
      return { ...SAMPLE_CALL, state: 'connected', connectedAt: CONNECTED_AT };
    case 'hold':
      return { ...SAMPLE_CALL, state: 'held', holdState: 'on_hold', connectedAt: CONNECTED_AT };
    case 'disconnected':
      return { ...SAMPLE_CALL, state: 'ended', disposition: 'answered', connectedAt: CONNECTED_AT, disconnectedAt: '2022-02-13T17:44:02.000Z' };
  }
}

/** When the sample event happens: the end of `<$call_duration_seconds>` for a call still running. */
export function sampleEventTime(action: Action): number {
  const call = sampleCallFor(action);
  return Date.parse(call.disconnectedAt ?? call.connectedAt ?? call.createdAt);
}
