import { PhoneCommandError, PhoneProblem, type PhoneCallRef, type PhoneDriver, type SetupEntry } from '../driver.js';
import type { PhoneHttp, PhoneResponse } from '../http/phone-http.js';
import { commandGet, escapeValue, probeGet } from './phone-answers.js';

/** Grandstream Action URL events (Settings › Outbound Notification › Action URL) and the event each reports. */
export const GRANDSTREAM_EVENT_SETTINGS: readonly { setting: string; event: string; verified: boolean }[] = [
  { setting: 'Incoming Call', event: 'incoming', verified: true },
  { setting: 'Outgoing Call', event: 'outgoing', verified: true },
  { setting: 'Establish Call', event: 'connected', verified: true },
  { setting: 'Terminate Call', event: 'disconnected', verified: true },
  { setting: 'Missed Call', event: 'missed', verified: true },
  { setting: 'Hold Call', event: 'hold', verified: true },
  { setting: 'Resume Call', event: 'unhold', verified: true },
];

/**
 * Grandstream writes Action URLs as `server/name=$var&name2=$var2` (no `?`): the parameters ride in
 * the path. `$call-id` comes from the ActionURL module guide's example only [unverified].
 */
export const GRANDSTREAM_EVENT_PARAMS = 'remote=$remote&display=$display_remote&callid=$call-id&local=$local&user=$active_user';

const PASSCODE_FIX =
  "the phone refused the CTI request: check password (Grandstream: the admin password used as passcode), Network › Remote Control › Action URI Support = Enabled and callhook's address in the Action URI Allowed IP List";

/**
 * Grandstream GXP16xx/17xx/21xx, DP75x, GRP26xx "CTI API" (GRP26xx CTI Guide):
 * `/cgi-bin/api-make_call?phonenumber=N&account=0&password=P` [parameter names unverified],
 * `/cgi-bin/api-phone_operation?passcode=P&cmd=acceptcall|rejectcall|endcall|holdcall|cancel`,
 * `/cgi-bin/api-get_line_status?passcode=P` (polled to close calls the phone never reported ended),
 * answers `{"response":"success",…}`. Commands act on the focused call. Unhold sends `holdcall`
 * again (toggle) [unverified: the guide excerpt names no unhold]. Transfer and DTMF are refused.
 */
export class GrandstreamDriver implements PhoneDriver {
  readonly vendor = 'grandstream';
  readonly capabilities = { addressesCalls: false, transfer: false, dtmf: false, pollsLineState: true, silentReject: false };

  constructor(
    private readonly http: PhoneHttp,
    private readonly passcode: string,
  ) {}

  async probe(): Promise<void> {
    const answer = await probeGet(this.http, `/cgi-bin/api-get_phone_status?passcode=${escapeValue(this.passcode)}`);
    if (answer.status >= 400 || !isSuccess(answer))
      throw new PhoneProblem('failed', `${answer.status === 200 ? 'error answer' : `HTTP ${answer.status}`} from the phone: ${PASSCODE_FIX}`);
  }

  async dial(number: string): Promise<void> {
    await this.call(`/cgi-bin/api-make_call?phonenumber=${escapeValue(number)}&account=0&password=${escapeValue(this.passcode)}`, 'dial');
  }

  async answer(): Promise<void> {
    await this.operation('acceptcall', 'answer');
  }

  async hangup(call: PhoneCallRef): Promise<void> {
    await this.operation(call.state === 'ringing' ? 'rejectcall' : call.state === 'alerting' ? 'cancel' : 'endcall', 'hang up');
  }

  async hold(): Promise<void> {
    await this.operation('holdcall', 'hold');
  }

  async unhold(): Promise<void> {
    await this.operation('holdcall', 'unhold');
  }

  async transfer(): Promise<void> {
    throw new PhoneCommandError('transfer is not supported by grandstream over http (no verified request): transfer on the phone', true);
  }

  async dtmf(): Promise<void> {
    throw new PhoneCommandError('DTMF is not supported by grandstream over http (api-send_key for DTMF is unverified): dial the digits on the phone', true);
  }

  async pollIdle(): Promise<boolean> {
    const answer = await commandGet(this.http, `/cgi-bin/api-get_line_status?passcode=${escapeValue(this.passcode)}`);
    const parsed = parseJson(answer);
    if (!parsed || parsed.response !== 'success' || !Array.isArray(parsed.body))
      throw new PhoneCommandError(`api-get_line_status answered ${answer.status} without a line list`);
    return parsed.body.every((line) => typeof line === 'object' && line !== null && (line as { state?: unknown }).state === 'idle');
  }

  eventSetup(eventBase: string): SetupEntry[] {
    const withoutScheme = eventBase.replace(/^http:\/\//, '');
    return GRANDSTREAM_EVENT_SETTINGS.map(({ setting, event, verified }) => ({
      setting,
      value: `${withoutScheme}/${event}/${GRANDSTREAM_EVENT_PARAMS}`,
      verified,
    }));
  }

  setupSteps(callbackHost: string): string[] {
    return [
      'Network › Remote Control (GRP260x: Network Settings › Advanced Settings › Remote Control): Action URI Support = Enabled.',
      `Action URI Allowed IP List: add ${callbackHost}.`,
      'Remote Control Pop up Window Support = Disabled (else the phone asks before every command).',
      'Enter the values below under Settings › Outbound Notification › Action URL (older firmware: Maintenance › Event Notify), written as shown: no "?" (whether "http://" may be prefixed is unverified).',
    ];
  }

  private operation(cmd: string, what: string): Promise<void> {
    return this.call(`/cgi-bin/api-phone_operation?passcode=${escapeValue(this.passcode)}&cmd=${cmd}`, what);
  }

  private async call(path: string, what: string): Promise<void> {
    const answer = await commandGet(this.http, path);
    if (answer.status === 200 && isSuccess(answer)) return;
    throw new PhoneCommandError(
      `the phone refused to ${what} (${answer.status === 200 ? answer.body.slice(0, 120) : `HTTP ${answer.status}`}): ${PASSCODE_FIX}`,
    );
  }
}

function parseJson(answer: PhoneResponse): { response?: unknown; body?: unknown } | null {
  try {
    const value: unknown = JSON.parse(answer.body);
    return typeof value === 'object' && value !== null ? (value as { response?: unknown; body?: unknown }) : null;
  } catch {
    return null;
  }
}

/** `{"response":"success",…}` with a body other than `false` (the phone-operation page answers `"body": false` when it failed). */
function isSuccess(answer: PhoneResponse): boolean {
  const parsed = parseJson(answer);
  return parsed !== null && parsed.response === 'success' && parsed.body !== false;
}
