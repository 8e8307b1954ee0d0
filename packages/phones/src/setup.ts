import { createHmac } from 'node:crypto';
import type { SetupEntry } from './driver.js';
import { accountOf, type DeskPhoneSettings } from './settings.js';
import { cstaSetupText } from './csta/csta-setup.js';
import { createDriver } from './vendors/create-driver.js';

/**
 * The per-line secret in the event URLs' path: HMAC-SHA256 keyed with the phone's password over the
 * line id, account, phone URL and callback URL, 32 base64url characters. Stable across restarts (the
 * phone keeps its settings) and different for every line; it changes when any of those settings do,
 * and then the phone needs the new URLs (`callhook phone setup`, or `provision`).
 */
export function eventSecret(settings: Pick<DeskPhoneSettings, 'id' | 'account' | 'url' | 'password' | 'callback'>): string {
  return createHmac('sha256', `callhook-deskphone:${settings.password}`)
    .update([settings.id, accountOf(settings), settings.url.replace(/\/$/, ''), settings.callback?.url ?? ''].join('\n'))
    .digest('base64url')
    .slice(0, 32);
}

/** The base of a line's event URLs: `<callback.url>/phone/<secret>` (empty for protocol csta, which has none). */
export function eventBase(settings: DeskPhoneSettings): string {
  return settings.callback ? `${settings.callback.url}/phone/${eventSecret(settings)}` : '';
}

/** The settings to enter on the phone for `settings` (what `provision` writes where it can). */
export function setupEntries(settings: DeskPhoneSettings): SetupEntry[] {
  return createDriver(settings).eventSetup(eventBase(settings));
}

/**
 * The human setup text for one desk-phone line: what to enter on the phone (setting names and values,
 * the allow-list entry, the prompt to switch off), unverified settings marked. Plain text, lines of
 * at most one setting each; the event URLs hold the line's secret, so show it to the phone's admin only.
 */
export function deskPhoneSetupText(settings: DeskPhoneSettings): string {
  if (!settings.callback) return cstaSetupText(settings);
  const driver = createDriver(settings);
  const callbackHost = new URL(settings.callback.url).hostname;
  const lines = [
    `Desk phone line "${settings.id}": ${settings.vendor} at ${settings.url}, account ${accountOf(settings)}`,
    `callhook listens for the phone's events on ${settings.callback.listen}:${settings.callback.port} (the phone calls ${settings.callback.url}).`,
    '',
    'On the phone:',
    ...driver.setupSteps(callbackHost).map((step, i) => `  ${i + 1}. ${step}`),
    '',
    'Event URLs (setting = value):',
    ...driver.eventSetup(eventBase(settings)).map((entry) => `  ${entry.setting} = ${entry.value}${entry.verified ? '' : '   [unverified setting name]'}`),
  ];
  if (settings.provision && settings.vendor === 'snom')
    lines.push('', 'provision is on: callhook writes these event URLs to the phone itself at start (dummy.htm?settings=save).');
  else if (settings.provision)
    lines.push('', `provision is on, but ${settings.vendor} has no verified HTTP request that writes these settings: enter them by hand.`);
  return `${lines.join('\n')}\n`;
}
