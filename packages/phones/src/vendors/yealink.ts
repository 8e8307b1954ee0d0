import { PhoneCommandError, PhoneProblem, type PhoneCallRef, type PhoneDriver, type SetupEntry } from '../driver.js';
import type { PhoneHttp } from '../http/phone-http.js';
import { LOGIN_FIX, commandGet, escapeValue, probeGet } from './phone-answers.js';

/** Yealink `action_url.*` settings (admin guides T2/T4/T5) and the event each reports; unverified names marked. */
export const YEALINK_EVENT_SETTINGS: readonly { setting: string; event: string; verified: boolean }[] = [
  { setting: 'action_url.incoming_call', event: 'incoming', verified: true },
  { setting: 'action_url.call_established', event: 'connected', verified: true },
  { setting: 'action_url.call_terminated', event: 'disconnected', verified: true },
  { setting: 'action_url.call_remote_canceled', event: 'remote_canceled', verified: true },
  { setting: 'action_url.missed_call', event: 'missed', verified: true },
  { setting: 'action_url.reject_incoming_call', event: 'rejected', verified: true },
  { setting: 'action_url.busy_to_idle', event: 'idle', verified: true },
  { setting: 'action_url.outgoing_call', event: 'outgoing', verified: false },
  { setting: 'action_url.hold', event: 'hold', verified: false },
  { setting: 'action_url.unhold', event: 'unhold', verified: false },
];

/** The query Yealink expands; `$local`/`$remote` are direction-aware, `$call_id` names the call for `ASW:`/`HOLD:` commands. */
export const YEALINK_EVENT_QUERY = 'remote=$remote&display=$display_remote&callid=$call_id&local=$local&user=$active_user&host=$active_host';

const ALLOW_LIST_FIX =
  "add callhook's address to the phone's Action URI Allow IP List (Features › Remote Control; features.action_uri_limit_ip, empty = refuse all), or the phone locked callhook out after failed logins (fix the password, wait a few minutes)";

/**
 * Yealink T2/T4/T5 "Action URI" remote control: `GET /servlet?key=VALUE` with `key=` first in the
 * query (else the phone ignores it; adrianrudnik/yealink-click2dial-handler) and no trailing `&`;
 * `key=number=N&outgoing_uri=ACCOUNT` dials; `ASW:`, `CANCEL:`, `HOLD:`, `UNHOLD:<call_id>` act on
 * the call the Action URL's `$call_id` named (newer firmware [unverified min. version]); without an
 * id the focused call gets `OK` [unverified], `X` / `CALLEND`, `F_HOLD`. DTMF: one `key=` per digit
 * (`;` chaining fails on touch models). Probe: `/servlet?phonecfg=get`. HTTP Basic auth.
 */
export class YealinkDriver implements PhoneDriver {
  readonly vendor = 'yealink';
  readonly capabilities = { addressesCalls: true, transfer: false, dtmf: true, pollsLineState: false, silentReject: false };

  constructor(private readonly http: PhoneHttp) {}

  async probe(): Promise<void> {
    const answer = await probeGet(this.http, '/servlet?phonecfg=get');
    if (answer.status === 403) throw new PhoneProblem('failed', `403 from the phone: ${ALLOW_LIST_FIX}`);
    if (answer.status >= 400)
      throw new PhoneProblem('failed', `${answer.status} from the phone at /servlet: check the line's url (a Yealink T2/T4/T5 with Action URI enabled)`);
  }

  async dial(number: string, account: string): Promise<void> {
    await this.key(`number=${escapeValue(number)}&outgoing_uri=${escapeValue(account)}`, 'dial');
  }

  async answer(call: PhoneCallRef): Promise<void> {
    await this.key(call.phoneCallId ? `ASW:${escapeValue(call.phoneCallId)}` : 'OK', 'answer');
  }

  async hangup(call: PhoneCallRef): Promise<void> {
    if (call.phoneCallId) return this.key(`CANCEL:${escapeValue(call.phoneCallId)}`, 'hang up');
    await this.key(call.state === 'ringing' ? 'X' : 'CALLEND', 'hang up');
  }

  async hold(call: PhoneCallRef): Promise<void> {
    await this.key(call.phoneCallId ? `HOLD:${escapeValue(call.phoneCallId)}` : 'F_HOLD', 'hold');
  }

  async unhold(call: PhoneCallRef): Promise<void> {
    await this.key(call.phoneCallId ? `UNHOLD:${escapeValue(call.phoneCallId)}` : 'F_HOLD', 'unhold');
  }

  async transfer(): Promise<void> {
    throw new PhoneCommandError('transfer is not supported by yealink over http (no verified key sequence): transfer on the phone', true);
  }

  async dtmf(_call: PhoneCallRef, digits: string): Promise<void> {
    for (const digit of digits) {
      if (!/^[0-9*#]$/.test(digit)) throw new PhoneCommandError(`yealink over http sends only 0-9, * and # as DTMF, not "${digit}"`, true);
      await this.key(digit === '#' ? 'POUND' : escapeValue(digit), 'send DTMF');
    }
  }

  eventSetup(eventBase: string): SetupEntry[] {
    return YEALINK_EVENT_SETTINGS.map(({ setting, event, verified }) => ({ setting, value: `${eventBase}/${event}?${YEALINK_EVENT_QUERY}`, verified }));
  }

  setupSteps(callbackHost: string): string[] {
    return [
      `Features › Remote Control › Action URI Allow IP List (features.action_uri_limit_ip): add ${callbackHost} (empty refuses everyone).`,
      'Switch off the "Allow remote control?" prompt (features.show_action_uri_option = 0), or press OK on the phone when it asks after callhook\'s first request; until then the phone ignores callhook.',
      'Keep Action URI on (features.action_uri.enable = 1, the default).',
      'Enter the URLs below under Features › Action URL (or in the provisioning file as action_url.* = …).',
    ];
  }

  private async key(value: string, what: string): Promise<void> {
    const answer = await commandGet(this.http, `/servlet?key=${value}`);
    if (answer.status === 200) return;
    if (answer.status === 401) throw new PhoneCommandError(`the phone refused to ${what}: 401, ${LOGIN_FIX}`);
    if (answer.status === 403) throw new PhoneCommandError(`the phone refused to ${what}: 403, ${ALLOW_LIST_FIX}`);
    throw new PhoneCommandError(`the phone refused to ${what}: HTTP ${answer.status}`);
  }
}
