import { maskCredentials } from '../mask-credentials.js';
import { SettingsError, type SettingsIssue } from './load-settings.js';
import type { LineSchemaSource } from '../line/line-plugin.js';
import { DEFAULT_LINE_ID, LINE_COMMON_FIELD_NAMES, type LineSettings } from '../line/line-settings.js';
import { simulatorLine } from '../line/simulator-line.js';
import type { EditionLimits, MaskedSettings, MaskedSlot, SecretMarker, Settings, Slot } from './settings-schema.js';

/**
 * Secrets are write-only outside the settings file: the control API (`GET/PUT /api/v1/settings`),
 * the desktop's IPC bridge and the console see each stored secret as `{"set": true}` and never its
 * value. A client that sends the marker back keeps the stored secret; a new value replaces it; `null`
 * (token, signing secret), `""` (SIP password) or leaving a header out removes it.
 *
 * The secrets: `inbound.token`, the password in a PostgreSQL `journal.url` (masked in place), every slot's `secret`, each slot header whose name `isSecretHeader`
 * accepts, and every line's secret fields as its plugin declares them (`LinePlugin.secrets`, e.g. a SIP
 * line's `password`), in `lines[i]` and in the `line` shorthand alike. A line whose type the caller's
 * edition does not list has its `password` treated as a secret, so forgetting the edition never shows one.
 */

/** A fresh `{"set": true}`: the value a stored secret is shown as. */
export function secretMarker(): SecretMarker {
  return { set: true };
}

/** True for `{"set": true}` exactly (the marker a client sends back to keep a stored secret). */
export function isSecretMarker(value: unknown): value is SecretMarker {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && (value as { set?: unknown }).set === true;
}

/**
 * Header names whose values are secrets: `Authorization`, `Proxy-Authorization`, `Cookie`, and any name
 * containing `auth`, `cookie`, `key`, `token`, `secret`, `password`, `signature` or `session`, in any
 * case (`X-Api-Key`, `X-Auth-Token`, `X-Session-Id`, `X-Hub-Signature`).
 */
const SECRET_HEADER = /auth|cookie|key|token|secret|password|signature|session/i;

/** Whether a slot header's value is a secret (see `SECRET_HEADER` for the rule). */
export function isSecretHeader(name: string): boolean {
  return SECRET_HEADER.test(name);
}

function maskSlot(slot: Slot): MaskedSlot {
  const headers = Object.fromEntries(Object.entries(slot.headers).map(([name, value]) => [name, isSecretHeader(name) ? secretMarker() : value]));
  return { ...slot, headers, secret: slot.secret === null ? null : secretMarker() };
}

/** How a line type's secrets are handled: its plugin's declaration, or the safe default without one. */
interface LineSecretRule {
  fields: readonly string[];
  account(line: Record<string, unknown>): string | null;
  label: string;
}

/**
 * Without the line's plugin (the caller passed no edition listing it): `password` is a secret, and it
 * only stays while every other field except the common ones is unchanged.
 */
function fallbackAccount(line: Record<string, unknown>, fields: readonly string[]): string {
  const rest = Object.entries(line).filter(([key]) => key !== 'id' && !fields.includes(key) && !LINE_COMMON_FIELD_NAMES.includes(key));
  return JSON.stringify(rest.sort(([a], [b]) => a.localeCompare(b)));
}

function lineSecretRule(type: unknown, edition: EditionLimits | undefined): LineSecretRule {
  const plugin = (edition?.linePlugins ?? [simulatorLine]).find((p) => p.type === type) as LineSchemaSource | undefined;
  if (plugin) {
    const fields = plugin.secrets?.fields ?? [];
    const account = plugin.secrets?.account;
    return {
      fields,
      account: (line) => (account ? account(line) : fallbackAccount(line, fields)),
      label: plugin.secrets?.accountLabel ?? "the line's account",
    };
  }
  const fields = ['password'];
  return { fields, account: (line) => fallbackAccount(line, fields), label: "the line's other settings" };
}

const isUnset = (value: unknown): boolean => value === undefined || value === null || value === '';

function maskLine(line: LineSettings, edition: EditionLimits | undefined): LineSettings {
  const out: LineSettings = { ...line };
  for (const field of lineSecretRule(line.type, edition).fields) {
    if (field in out && !isUnset(out[field])) out[field] = secretMarker();
  }
  return out;
}

/**
 * Settings as the control API, the IPC bridge and the console may see them: every secret that is set
 * becomes `{"set": true}`; one that is not set stays `null` (token, signing secret) or `""` (a line's
 * password). `edition` names the line plugins, whose `secrets` say which line fields are secrets.
 */
export function maskSettings(settings: Settings, edition?: EditionLimits): MaskedSettings {
  return {
    ...settings,
    actionUrls: { ...settings.actionUrls, slots: settings.actionUrls.slots.map(maskSlot) },
    inbound: { ...settings.inbound, token: settings.inbound.token === null ? null : secretMarker() },
    journal: settings.journal.type === 'postgres' ? { ...settings.journal, url: maskCredentials(settings.journal.url) } : settings.journal,
    lines: settings.lines.map((line) => maskLine(line, edition)),
    ...(settings.mqtt ? { mqtt: { ...settings.mqtt, password: settings.mqtt.password === null ? null : secretMarker() } } : {}),
  };
}

/**
 * The journal from a client: a PostgreSQL URL shown with its password masked (`postgres://u:***@…`)
 * and sent back unchanged stands for the stored URL; one with `***` that is not the stored URL
 * masked (its user, host or database changed) is refused, so the password is typed again.
 */
function restoreJournalUrl(input: Json, stored: Settings, issues: SettingsIssue[]): Json {
  if (input.type !== 'postgres' || typeof input.url !== 'string' || !input.url.includes(':***@')) return input;
  if (stored.journal.type === 'postgres' && maskCredentials(stored.journal.url) === input.url) return { ...input, url: stored.journal.url };
  issues.push({
    path: 'journal.url',
    message: "the URL's password is shown masked (***) but the URL is not the stored one; type the password again",
  });
  return input;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const MARKER_TEXT = '{"set": true}';

/**
 * The receiver a slot URL (a template: placeholders never stand in the scheme, host or port) sends
 * to, as `scheme://host[:port]` with default ports left out; null when it has none.
 */
export function receiverOf(url: unknown): string | null {
  if (typeof url !== 'string') return null;
  const prefix = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url.trim());
  if (!prefix) return null;
  try {
    const origin = new URL(prefix[0]).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

/**
 * A slot from a client with every `{"set": true}` replaced by the stored value of `stored` (the slot
 * saved at the same position). A stored secret stays with the receiver it was given for: when the
 * slot's URL now names another origin, the marker is refused, so a changed URL can never carry a
 * credential nobody re-entered to a new host. Problems are added to `issues` under `path`.
 */
export function restoreSlotSecrets(input: unknown, stored: Slot | undefined, path: string, issues: SettingsIssue[]): unknown {
  if (!isObject(input)) return input;
  const out: Json = { ...input };
  const sameReceiver = stored !== undefined && receiverOf(input.url) !== null && receiverOf(input.url) === receiverOf(stored.url);
  const keep = (field: string, value: string | null | undefined, what: string): string | undefined => {
    if (value === undefined || value === null || value === '') {
      issues.push({
        path: `${path}.${field}`,
        message: `${MARKER_TEXT} keeps a stored ${what}, but this slot has none saved; send the value itself or leave it out`,
      });
      return undefined;
    }
    if (!sameReceiver) {
      const now = receiverOf(input.url) ?? 'a URL without a host';
      issues.push({
        path: `${path}.${field}`,
        message: `the slot now sends to ${now}, not to ${receiverOf(stored?.url) ?? 'the saved receiver'}; a stored ${what} only stays with the receiver it was entered for: type it again or remove it`,
      });
      return undefined;
    }
    return value;
  };
  if (isObject(input.headers)) {
    const headers: Json = {};
    const storedHeaders = Object.entries(stored?.headers ?? {});
    for (const [name, value] of Object.entries(input.headers)) {
      if (!isSecretMarker(value)) {
        headers[name] = value;
        continue;
      }
      const match = storedHeaders.find(([storedName]) => storedName.toLowerCase() === name.toLowerCase());
      const kept = keep(`headers.${name}`, match?.[1], `${name} header`);
      if (kept !== undefined) headers[name] = kept;
    }
    out.headers = headers;
  }
  if (isSecretMarker(input.secret)) {
    const kept = keep('secret', stored?.secret, 'signing secret');
    if (kept !== undefined) out.secret = kept;
  }
  return out;
}

/**
 * A line from a client (`path`: `line` or `lines[i]`) with every secret marker replaced by the stored
 * value of the line with the same id, refused when that line has none, is of another type, or its
 * account (`LinePlugin.secrets.account`, e.g. the SIP AOR and registrar) changed.
 */
function restoreLineSecrets(input: unknown, stored: Settings, path: string, issues: SettingsIssue[], edition: EditionLimits | undefined): unknown {
  if (!isObject(input)) return input;
  const id = typeof input.id === 'string' ? input.id : path === 'line' ? DEFAULT_LINE_ID : undefined;
  const storedLine = stored.lines.find((line) => line.id === id && line.type === input.type);
  const rule = lineSecretRule(input.type, edition);
  const out: Json = { ...input };
  for (const [field, value] of Object.entries(input)) {
    // A marker on a field that is no secret is left for loadSettings to refuse.
    if (!isSecretMarker(value) || !rule.fields.includes(field)) continue;
    const kept = storedLine?.[field];
    if (!storedLine || isUnset(kept)) {
      issues.push({
        path: `${path}.${field}`,
        message: `${MARKER_TEXT} keeps the stored ${field} of line "${id ?? '?'}", but none is stored; send the ${field} itself or ""`,
      });
    } else if (rule.account(input) !== rule.account(storedLine)) {
      issues.push({
        path: `${path}.${field}`,
        message: `${rule.label} changed; the stored ${field} only stays with the account it was entered for: type it again`,
      });
    } else {
      out[field] = kept;
    }
  }
  return out;
}

/**
 * A settings document from a client (control API, IPC) with every `{"set": true}` replaced by the
 * stored secret it stands for, ready for `loadSettings`. Throws `SettingsError` naming each marker
 * that stands for nothing: no secret stored there, a slot whose URL now names another receiver, or a
 * line whose account changed (a SIP line's address of record or registrar). `edition` names the line
 * plugins and so each line type's secret fields. Anything else is left for `loadSettings`.
 */
export function restoreSecrets(input: unknown, stored: Settings, edition?: EditionLimits): unknown {
  if (!isObject(input)) return input;
  const issues: SettingsIssue[] = [];
  const out: Json = { ...input };
  const actionUrls = input.actionUrls;
  if (isObject(actionUrls) && Array.isArray(actionUrls.slots)) {
    const slots = actionUrls.slots.map((slot, i) => restoreSlotSecrets(slot, stored.actionUrls.slots[i], `actionUrls.slots[${i}]`, issues));
    out.actionUrls = { ...actionUrls, slots };
  }
  const inbound = input.inbound;
  if (isObject(inbound) && isSecretMarker(inbound.token)) {
    if (stored.inbound.token === null) {
      issues.push({
        path: 'inbound.token',
        message: `${MARKER_TEXT} keeps the stored token, but none is stored; send a new token (16-512 characters) or null`,
      });
    } else {
      out.inbound = { ...inbound, token: stored.inbound.token };
    }
  }
  if (isObject(input.journal)) out.journal = restoreJournalUrl(input.journal, stored, issues);
  if (isObject(input.mqtt) && isSecretMarker(input.mqtt.password)) out.mqtt = restoreMqttPassword(input.mqtt, stored, issues);
  if (isObject(input.line)) out.line = restoreLineSecrets(input.line, stored, 'line', issues, edition);
  if (Array.isArray(input.lines)) out.lines = input.lines.map((line, i) => restoreLineSecrets(line, stored, `lines[${i}]`, issues, edition));
  if (issues.length > 0) throw new SettingsError(issues);
  return out;
}

/**
 * The `mqtt` section from a client with its password marker replaced by the stored password. Like a
 * slot's secret, it only stays with the broker and user it was entered for: a changed broker
 * (`scheme://host:port`) or username refuses the marker.
 */
function restoreMqttPassword(input: Json, stored: Settings, issues: SettingsIssue[]): Json {
  const saved = stored.mqtt;
  if (!saved || saved.password === null) {
    issues.push({ path: 'mqtt.password', message: `${MARKER_TEXT} keeps the stored MQTT password, but none is stored; send the password itself or null` });
    return input;
  }
  const broker = brokerOf(input.url);
  if (broker === null || broker !== brokerOf(saved.url) || input.username !== saved.username) {
    issues.push({
      path: 'mqtt.password',
      message: 'the broker URL or username changed; the stored MQTT password only stays with the broker and user it was entered for: type it again',
    });
    return input;
  }
  return { ...input, password: saved.password };
}

/** `scheme://host:port` of a broker URL (mqtt: URLs have no WHATWG origin), or null when it is none. */
function brokerOf(url: unknown): string | null {
  if (typeof url !== 'string') return null;
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.hostname.toLowerCase()}:${parsed.port}`;
  } catch {
    return null;
  }
}

/**
 * Paths of every `{"set": true}` in a document, for a settings file (which must hold the values
 * themselves) to say so instead of a type error.
 */
export function markerPaths(input: unknown, path = ''): string[] {
  if (isSecretMarker(input)) return [path];
  if (Array.isArray(input)) return input.flatMap((item, i) => markerPaths(item, `${path}[${i}]`));
  if (isObject(input)) return Object.entries(input).flatMap(([key, value]) => markerPaths(value, path ? `${path}.${key}` : key));
  return [];
}
