import { DISPOSITIONS } from '../call/snapshot.js';
/** The spec's thirteen placeholders, plus `call_disposition`, `line_id`, `call_mos` and `recording_url`. Order is the value-vector index. */
export const PLACEHOLDERS = [
  'action',
  'call_direction',
  'call_direction_as_int',
  'local_party',
  'local_alias',
  'hold_state',
  'call_duration_seconds',
  'call_created_time',
  'call_connected_time',
  'call_disconnected_time',
  'call_guid',
  'remote_party',
  'remote_alias',
  'call_disposition',
  'line_id',
  'call_mos',
  'recording_url',
] as const;

export type PlaceholderName = (typeof PLACEHOLDERS)[number];

export const PLACEHOLDER_DESCRIPTIONS: Record<PlaceholderName, string> = {
  action: 'inbound, outbound, connected, hold or disconnected',
  call_direction: 'inbound or outbound',
  call_direction_as_int: '0 for inbound calls, 1 for outbound calls',
  local_party: 'SIP URI of the local party',
  local_alias: 'display name of the local party, e.g. "Michael" (303)',
  hold_state: 'on_hold or off_hold',
  call_duration_seconds: 'whole seconds since the call was answered (0 if never answered)',
  call_created_time: 'local time of call creation, YYYY-MM-DDTHH-mm-ss',
  call_connected_time: 'local time the call was answered, or 1899-12-31T00-00-00',
  call_disconnected_time: 'local time the call ended, or 1899-12-31T00-00-00',
  call_guid: '128-bit call id holding its creation time and random bits (UUID v7)',
  remote_party: 'number of the remote party',
  remote_alias: 'display name of the remote party, e.g. "Michael D785" (420)',
  call_disposition: `how the call ended (${DISPOSITIONS.join(', ')}); empty before`,
  line_id: 'id of the line the call is on (lines[].id; "default" for the one-line shorthand)',
  call_mos: 'estimated MOS of the call (1.00–4.50, E-model) in softphone mode, set when it ends; empty otherwise',
  recording_url: 'URL of the call recording (GET /api/v1/calls/{guid}/recording) once a recorded call ended; empty otherwise',
};

const INDEX = new Map<string, number>(PLACEHOLDERS.map((name, i) => [name, i]));

export function placeholderIndex(name: string): number | undefined {
  return INDEX.get(name);
}
