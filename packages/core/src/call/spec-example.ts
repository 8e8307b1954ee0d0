import type { CallSnapshot } from './snapshot.js';

/**
 * The call behind the spec's "Example of an output": "Michael D785" (420) calls "Michael" (303).
 * Its times are UTC; expanded with a zero UTC offset they read as the spec prints them. Used for
 * previews in the console, in tests and in the benchmark.
 */
export const SPEC_EXAMPLE_CALL: CallSnapshot = Object.freeze({
  guid: '2843c1f9-1f8b-375a-0e01-e8682f222c10',
  lineId: 'default',
  direction: 'inbound',
  localParty: '303-14943821',
  localAlias: '"Michael" (303)',
  remoteParty: '420',
  remoteAlias: '"Michael D785" (420)',
  state: 'ringing',
  holdState: 'off_hold',
  disposition: null,
  createdAt: '2022-02-13T17:43:50.000Z',
  connectedAt: null,
  disconnectedAt: null,
  quality: null,
  recording: false,
});
