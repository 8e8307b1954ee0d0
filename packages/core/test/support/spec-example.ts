import { SPEC_EXAMPLE_CALL as SPEC_CALL_UTC, type CallSnapshot } from '../../src/index.js';

/** The spec's example call, in a zone one hour east of UTC (Berlin in February), to test local time. */
export const SPEC_EXAMPLE_CALL: CallSnapshot = { ...SPEC_CALL_UTC, createdAt: '2022-02-13T16:43:50.000Z' };

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
