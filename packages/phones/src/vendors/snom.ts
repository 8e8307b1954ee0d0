import { PhoneCommandError, PhoneProblem, type PhoneCallRef, type PhoneDriver, type SetupEntry } from '../driver.js';
import type { PhoneHttp, PhoneResponse } from '../http/phone-http.js';
import { LOGIN_FIX, commandGet, escapeValue, probeGet } from './phone-answers.js';

/**
 * Snom's Action URL settings (http://wiki.snom.com/Web_Interface/V8/Action_URL_Settings) and the
 * event each reports. Only incoming/connected/disconnected are confirmed by the sources; the others
 * follow the web UI's labels and are marked unverified.
 */
export const SNOM_EVENT_SETTINGS: readonly { setting: string; event: string; verified: boolean }[] = [
  { setting: 'action_incoming_url', event: 'incoming', verified: true },
  { setting: 'action_connected_url', event: 'connected', verified: true },
  { setting: 'action_disconnected_url', event: 'disconnected', verified: true },
  { setting: 'action_outgoing_url', event: 'outgoing', verified: false },
  { setting: 'action_missed_url', event: 'missed', verified: false },
  { setting: 'action_hold_url', event: 'hold', verified: false },
  { setting: 'action_unhold_url', event: 'unhold', verified: false },
];

/**
 * The query Snom expands (runtime variables, http://wiki.snom.com/Action_URLs/Runtime_Variables).
 * Every variable is followed by `&`, as Snom needs to see where a name ends; `$call-id` is the SIP
 * Call-ID of the active call.
 */
export const SNOM_EVENT_QUERY = 'remote=$remote&display=$display_remote&callid=$call-id&local=$local&user=$active_user&host=$active_host&v=1';

/**
 * Snom D3xx/D7xx over HTTP remote control (https://service.snom.com/display/wiki/Remote+phone+control):
 * `/command.htm?number=N&outgoing_uri=ACCOUNT` (answered 302 → index.htm, success; never followed),
 * `/command.htm?key=KEY` on the focused call (ENTER answers, CANCEL ends or rejects, F_HOLD toggles
 * hold [unverified per firmware]), `/command.htm?key_dtmf=DIGITS`, settings written with
 * `/dummy.htm?settings=save&NAME=VALUE&store_settings=save`. D8xx models have no HTTP remote control.
 * Transfer has no verified key sequence and is refused.
 */
export class SnomDriver implements PhoneDriver {
  readonly vendor = 'snom';
  readonly capabilities = { addressesCalls: false, transfer: false, dtmf: true, pollsLineState: false, silentReject: true };

  constructor(private readonly http: PhoneHttp) {}

  async probe(): Promise<void> {
    // No side-effect-free probe URL is documented [unverified]: the start page checks reachability and login.
    const answer = await probeGet(this.http, '/index.htm');
    if (answer.status >= 400)
      throw new PhoneProblem('failed', `${answer.status} from the phone's web server at /index.htm: check the line's url (a Snom D3xx/D7xx)`);
  }

  async dial(number: string, account: string): Promise<void> {
    await this.command(`/command.htm?number=${escapeValue(number)}&outgoing_uri=${escapeValue(account)}`, 'dial');
  }

  async answer(_call: PhoneCallRef): Promise<void> {
    await this.key('ENTER', 'answer');
  }

  async hangup(_call: PhoneCallRef): Promise<void> {
    await this.key('CANCEL', 'hang up');
  }

  async hold(_call: PhoneCallRef): Promise<void> {
    await this.key('F_HOLD', 'hold');
  }

  async unhold(_call: PhoneCallRef): Promise<void> {
    await this.key('F_HOLD', 'unhold');
  }

  async transfer(): Promise<void> {
    throw new PhoneCommandError('transfer is not supported by snom over http (no verified key sequence): transfer on the phone', true);
  }

  async dtmf(_call: PhoneCallRef, digits: string): Promise<void> {
    await this.command(`/command.htm?key_dtmf=${escapeValue(digits)}`, 'send DTMF');
  }

  async provision(entries: readonly SetupEntry[]): Promise<void> {
    const settings = entries.map((entry) => `${entry.setting}=${escapeValue(entry.value)}`).join('&');
    const answer = await commandGet(this.http, `/dummy.htm?settings=save&${settings}&store_settings=save`);
    if (answer.status === 401) throw new PhoneCommandError(`401 from the phone writing its Action URL settings: ${LOGIN_FIX}`);
    if (answer.status >= 400)
      throw new PhoneCommandError(
        `${answer.status} from the phone writing its Action URL settings: the settings must be writable by this login; enter them by hand (callhook phone setup)`,
      );
  }

  eventSetup(eventBase: string): SetupEntry[] {
    return SNOM_EVENT_SETTINGS.map(({ setting, event, verified }) => ({ setting, value: `${eventBase}/${event}?${SNOM_EVENT_QUERY}`, verified }));
  }

  setupSteps(): string[] {
    return [
      'Snom D3xx/D7xx only: D8xx models have no HTTP remote control.',
      'If you changed the HTTP user, HTTP password and administrator password from the defaults, disable "hidden tags" (Snom: needed for remote control).',
      'Enter the URLs below under Setup › Action URL Settings (or let callhook write them: "provision": true).',
    ];
  }

  private key(key: string, what: string): Promise<void> {
    return this.command(`/command.htm?key=${key}`, what);
  }

  private async command(path: string, what: string): Promise<void> {
    const answer = await commandGet(this.http, path);
    if (isSnomSuccess(answer)) return;
    if (answer.status === 401) throw new PhoneCommandError(`the phone refused to ${what}: 401, ${LOGIN_FIX}`);
    if (answer.status === 404) throw new PhoneCommandError(`the phone has no /command.htm (404): Snom D8xx models have no HTTP remote control`);
    throw new PhoneCommandError(`the phone refused to ${what}: HTTP ${answer.status}`);
  }
}

/** 200, or 302 → index.htm (Snom's answer to `number=`; p4irin/remote_phone_control checks for it). */
function isSnomSuccess(answer: PhoneResponse): boolean {
  return answer.status === 200 || answer.status === 302;
}
