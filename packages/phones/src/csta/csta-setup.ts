import { accountOf, cstaOf, type DeskPhoneSettings } from '../settings.js';

/**
 * What to switch on at a Snom or Yealink phone so callhook can open a uaCSTA session with it (ECMA
 * TR/87). Sources: Snom wiki "uaCSTA over SIP - Requests and Events" and the `csta_challenge`
 * setting note (Gigaset/Snom FAQ); Yealink admin guide (`features.csta_control.enable`). Steps the
 * available vendor documents do not confirm end in "[unverified]".
 */
export function cstaSetupSteps(settings: DeskPhoneSettings): string[] {
  const csta = cstaOf(settings);
  const reach = `The phone must reach callhook's CSTA SIP socket: ${csta.transport.toUpperCase()} on ${csta.listen}:${csta.port === 0 ? '<any free port, chosen at start>' : csta.port} (callhook sends the INVITE to ${csta.uri}).`;
  if (settings.vendor === 'yealink')
    return [
      'Firmware with uaCSTA (not T19(P) E2 or CP920).',
      'Set features.csta_control.enable = 1 (web: Features › Remote Control › CSTA Control); the phone reboots after this change.',
      'Whether the phone takes a CSTA INVITE from an address other than its registrar is not documented [unverified]; if it answers 403, ask your PBX vendor.',
      'Whether the phone sends CSTA events (Delivered, Established, …) is not documented [unverified]; without them callhook still closes calls by SnapshotDevice polling.',
      reach,
    ];
  return [
    'Firmware 8.7.3 or later (uaCSTA over SIP; MonitorStop needs 8.7.4).',
    "Set csta_control = on (the setting name is from Snom's uaCSTA wiki; where the web UI shows it is not in the available pages [unverified]).",
    `csta_challenge: 0 = no challenge, 1 = only the CSTA INVITE, 2 = every CSTA request; with 1 or 2 callhook answers as ${csta.username} (csta.username) with the line's password, which must be the identity's user_pass.`,
    'An INVITE straight to the phone may also need application/csta+xml allowed in sip_ip_dialin_content_types [unverified].',
    reach,
  ];
}

/** The human setup text of a `protocol: "csta"` desk-phone line (what `callhook phone setup` prints). */
export function cstaSetupText(settings: DeskPhoneSettings): string {
  const csta = cstaOf(settings);
  const lines = [
    `Desk phone line "${settings.id}": ${settings.vendor} at ${settings.url} over uaCSTA (${csta.uri}), account ${accountOf(settings)}`,
    'callhook opens a CSTA session with the phone (SIP INVITE, requests and events in SIP INFO); no event URLs are needed.',
    '',
    'On the phone:',
    ...cstaSetupSteps(settings).map((step, i) => `  ${i + 1}. ${step}`),
  ];
  return `${lines.join('\n')}\n`;
}
