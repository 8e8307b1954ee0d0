import type { CallSnapshot } from '../../src/index.js';

/** The call behind the spec's "Example of an output" (local time UTC+1, as in Berlin in February). */
export const SPEC_EXAMPLE_CALL: CallSnapshot = {
  guid: '2843c1f9-1f8b-375a-0e01-e8682f222c10',
  direction: 'inbound',
  localParty: '303-14943821',
  localAlias: '"Michael" (303)',
  remoteParty: '420',
  remoteAlias: '"Michael D785" (420)',
  state: 'ringing',
  holdState: 'off_hold',
  disposition: null,
  createdAt: '2022-02-13T16:43:50.000Z',
  connectedAt: null,
  disconnectedAt: null,
};

export const UTC_PLUS_ONE = (): number => 60;

/** The spec's example output, field by field, and the placeholder each comes from. */
export const SPEC_EXAMPLE_OUTPUT: [field: string, placeholder: string, value: string][] = [
  ['action', 'action', 'inbound'],
  ['calldirection', 'call_direction', 'inbound'],
  ['localparty', 'local_party', '303-14943821'],
  ['localalias', 'local_alias', '"Michael" (303)'],
  ['holdstate', 'hold_state', 'off_hold'],
  ['callduration', 'call_duration_seconds', '0'],
  ['createdtime', 'call_created_time', '2022-02-13T17-43-50'],
  ['connectedtime', 'call_connected_time', '1899-12-31T00-00-00'],
  ['disconnectedtime', 'call_disconnected_time', '1899-12-31T00-00-00'],
  ['callguide', 'call_guid', '2843c1f9-1f8b-375a-0e01-e8682f222c10'],
  ['remoteparty', 'remote_party', '420'],
  ['remotedisplayname', 'remote_alias', '"Michael D785" (420)'],
];

export function specExampleTemplate(form: 'plain' | 'base64'): string {
  const query = SPEC_EXAMPLE_OUTPUT.map(([field, name]) => `${field}=${form === 'base64' ? `<base64($${name})>` : `<$${name}>`}`);
  return `http://127.0.0.1:9000/callhook.php?${query.join('&')}&direction_int=<$call_direction_as_int>`;
}
