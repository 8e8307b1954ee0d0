import * as z from 'zod';
import { ACTIONS } from '../actions.js';
import { STANDARD_SINK_MODES } from '../dispatch/sinks/standard-sinks.js';
import type { LineSchemaSource } from '../line/line-plugin.js';
import { DEFAULT_LINE_ID, LineIdSchema, MAX_LINES, type LineSettings } from '../line/line-settings.js';
import { simulatorLine } from '../line/simulator-line.js';
import { fetchBlockedPortMessage, isCidr, isFetchBlockedPort, isHostName, isIP } from './net-validators.js';
import { MaskedMqttSettingsSchema, MqttSettingsSchema } from './mqtt-settings.js';

export const INBOUND_ACTIONS = ['make_call', 'answer', 'hangup', 'hold', 'unhold', 'transfer', 'dtmf'] as const;
export type InboundAction = (typeof INBOUND_ACTIONS)[number];

export const DEFAULT_INBOUND_PORT = 61234;
/** The spec's dialog has five slots; an edition may allow more through `createSettingsSchema`. */
export const DEFAULT_MAX_SLOTS = 5;

/**
 * Longest substituted value, in characters, unless a slot sets `maxValueLength`. Long enough for any
 * real caller name or number; short enough that a URL with all placeholders stays under the request
 * line limits of common receivers (and 511 characters for one desk-phone vendor's own Action URLs).
 */
export const DEFAULT_MAX_VALUE_LENGTH = 256;

/**
 * A slot's retries unless it says otherwise: 8 further attempts, waiting 1 s doubling to at most
 * 60 s (±20 % jitter): 1, 2, 4, 8, 16, 32, 60, 60 s. The last attempt comes 183 s (at least 146 s
 * with jitter) after the first failed, so a receiver that is down or restarting for a minute or two
 * (a CRM deploy, a proxy restart) still gets every event, each once per Idempotency-Key.
 */
export const DEFAULT_SLOT_RETRIES = { max: 8, backoffMs: 1_000, maxBackoffMs: 60_000 } as const;

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const RESERVED_HEADERS = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'idempotency-key']);

/**
 * How the control API, the desktop's IPC and the console show a stored secret: the value is replaced
 * by this object, and a client sends it back unchanged to keep the secret (see `secrets.ts`).
 */
export const SecretMarkerSchema = z
  .strictObject({ set: z.literal(true) })
  .describe('a stored secret, shown as {"set": true}; send it back to keep the stored value, a new value to replace it');
export type SecretMarker = z.output<typeof SecretMarkerSchema>;

/** A secret field as clients see it: the marker, or a new value validated by `schema`. */
export const secretOr = <T extends z.ZodType>(schema: T) => z.union([SecretMarkerSchema, schema]);

const headerName = z
  .string()
  .regex(HEADER_NAME, 'header names are HTTP tokens (letters, digits, -)')
  .refine((name) => !RESERVED_HEADERS.has(name.toLowerCase()), 'this header is set by callhook itself; remove it');
const headerValue = z
  .string()
  .max(4096)
  .regex(/^[^\r\n\0]*$/, 'header values may not contain line breaks');
const slotSecret = z.string().min(16, 'use a signing secret of at least 16 characters').max(512);

const slotShape = {
  on: z.enum(ACTIONS, { error: `"on" must be one of ${ACTIONS.join(', ')}` }),
  // Empty is allowed for an inactive slot, so a cleared slot keeps its place (and its number in the log).
  url: z.string().max(8192, 'URL longer than 8192 characters'),
  active: z.boolean().default(true),
  openInBrowser: z.boolean().default(false),
  /**
   * The delivery sink (`DeliverySink.mode`) this slot's deliveries go to; null: `browser` when
   * `openInBrowser`, else `http`. An edition checks that it has the sink.
   */
  sink: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,31}$/, 'sink names a delivery sink such as "http" or "browser"')
    .nullable()
    .default(null),
  /** The lines (ids) whose calls fire this slot; null: every line. */
  lines: z.array(LineIdSchema).min(1, 'list at least one line id, or remove "lines" to fire for every line').max(MAX_LINES).nullable().default(null),
  method: z.enum(['GET', 'POST'], { error: 'method must be "GET" or "POST" (POST sends the call as JSON)' }).default('GET'),
  headers: z.record(headerName, headerValue).default({}),
  secret: slotSecret.nullable().default(null),
  timeoutMs: z.number().int().min(100).max(120_000).default(5_000),
  maxValueLength: z
    .number({ error: 'maxValueLength must be a number of characters (16-8192)' })
    .int()
    .min(16, 'maxValueLength must be at least 16 characters')
    .max(8192, 'maxValueLength may be at most 8192 characters')
    .default(DEFAULT_MAX_VALUE_LENGTH),
  retries: z
    .strictObject({
      max: z
        .number({ error: 'retries.max must be a whole number of further attempts (0-10), e.g. 8' })
        .int('retries.max must be a whole number of further attempts (0-10)')
        .min(0, 'retries.max must be 0 (no retry) or more')
        .max(10, 'retries.max may be at most 10')
        .default(DEFAULT_SLOT_RETRIES.max),
      backoffMs: z
        .number({ error: 'retries.backoffMs must be the wait before the first retry in ms (10-600000), e.g. 1000' })
        .int('retries.backoffMs must be a whole number of milliseconds')
        .min(10, 'retries.backoffMs must be at least 10 ms')
        .max(600_000, 'retries.backoffMs may be at most 600000 ms (10 minutes)')
        .default(DEFAULT_SLOT_RETRIES.backoffMs),
      maxBackoffMs: z
        .number({ error: 'retries.maxBackoffMs must be the longest wait between retries in ms (10-600000), e.g. 60000' })
        .int('retries.maxBackoffMs must be a whole number of milliseconds')
        .min(10, 'retries.maxBackoffMs must be at least 10 ms')
        .max(600_000, 'retries.maxBackoffMs may be at most 600000 ms (10 minutes)')
        .default(DEFAULT_SLOT_RETRIES.maxBackoffMs),
    })
    .default({ ...DEFAULT_SLOT_RETRIES }),
};

interface SlotRuleFields {
  url: string;
  active: boolean;
  openInBrowser: boolean;
  method: 'GET' | 'POST';
}

/** The checks across a slot's fields, shared by the stored and the masked form. */
function withSlotRules<T extends z.ZodType<SlotRuleFields>>(schema: T) {
  return schema
    .refine((slot) => !slot.active || slot.url !== '', {
      message: 'an active slot needs an http:// or https:// URL; enter one or set "active": false',
      path: ['url'],
    })
    .refine((slot) => !(slot.openInBrowser && slot.method === 'POST'), {
      message: 'a slot opened in the browser is a GET; remove method "POST" or openInBrowser',
      path: ['method'],
    });
}

export const SlotSchema = withSlotRules(z.strictObject(slotShape));

/** A slot as the control API shows it: secret header values and `secret` may be the marker. */
export const MaskedSlotSchema = withSlotRules(
  z.strictObject({
    ...slotShape,
    headers: z.record(headerName, secretOr(headerValue)).default({}),
    secret: secretOr(slotSecret).nullable().default(null),
  }),
);

const ipAddress = z.string().refine(isIP, 'write an IPv4 or IPv6 address such as 127.0.0.1 or ::1 (0.0.0.0 or :: for all)');
const cidr = z.string().refine(isCidr, 'write an address or a CIDR range such as 127.0.0.0/8 or ::1/128');
const origin = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}, 'write an origin as scheme://host[:port] without a path, e.g. https://crm.example.com');
const hostName = z
  .string()
  .refine(
    isHostName,
    'write a DNS name such as phone.example.lan (letters, digits, hyphens and dots; no port, no scheme; IP addresses and localhost need no entry)',
  );

const actionSwitches = z.strictObject(
  Object.fromEntries(INBOUND_ACTIONS.map((a) => [a, z.boolean().default(false)])) as Record<InboundAction, z.ZodDefault<z.ZodBoolean>>,
);

const inboundToken = z.string().min(16, 'use a token of at least 16 characters (callhook config init makes one)').max(512);

export const InboundSchema = z.strictObject({
  enabled: z.boolean().default(false),
  port: z
    .number()
    .int()
    .min(1, 'port must be 1–65535')
    .max(65535, 'port must be 1–65535')
    .refine((port) => !isFetchBlockedPort(port), { error: (issue) => fetchBlockedPortMessage(issue.input as number) })
    .default(DEFAULT_INBOUND_PORT),
  listen: z.array(ipAddress).min(1, 'listen on at least one address').max(16).default(['127.0.0.1', '::1']),
  actions: actionSwitches.default(Object.fromEntries(INBOUND_ACTIONS.map((a) => [a, false])) as Record<InboundAction, boolean>),
  token: inboundToken.nullable().default(null),
  allowFrom: z.array(cidr).max(256).default(['127.0.0.0/8', '::1/128']),
  allowOrigins: z.array(origin).max(256).default([]),
  /**
   * DNS names the listener answers to in the `Host` header, besides IP literals and `localhost`
   * (compared without case, port ignored). Every other Host is refused: it is how a DNS-rebinding page
   * would reach the listener.
   */
  hostNames: z.array(hostName).max(256).default([]),
  denyPrefixes: z
    .array(z.string().regex(/^[0-9+*#]+$/, 'prefixes are digits, +, * or #'))
    .max(1024)
    .default([]),
  rateLimit: z
    .strictObject({
      max: z.number().int().min(1).max(100_000).default(10),
      windowMs: z.number().int().min(1_000).max(3_600_000).default(60_000),
    })
    .default({ max: 10, windowMs: 60_000 }),
  duplicateWindowMs: z.number().int().min(0).max(600_000).default(5_000),
});

/** A PostgreSQL connection URL: `postgres://` or `postgresql://` with a host or a `?host=` socket directory. */
function isPostgresUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'postgres:' || parsed.protocol === 'postgresql:') && (parsed.hostname !== '' || /[?&]host=./.test(parsed.search));
  } catch {
    return false;
  }
}

/** Default lease, in seconds, an instance holds on the outbox entries it works on in a shared journal. */
export const DEFAULT_LEASE_SECONDS = 30;

/** Days of call history and delivery log the journal keeps unless `journal.keepDays` says otherwise. */
export const DEFAULT_KEEP_DAYS = 90;

const keepDaysSchema = z
  .number({ error: `journal.keepDays must be a whole number of days (1-3650), e.g. ${DEFAULT_KEEP_DAYS}` })
  .int('journal.keepDays must be a whole number of days')
  .min(1, 'journal.keepDays must be at least 1 day')
  .max(3650, 'journal.keepDays may be at most 3650 days (10 years)')
  .default(DEFAULT_KEEP_DAYS);

/**
 * Where the call history, the delivery log and the outbox are kept (read at start; a change takes a
 * restart). `sqlite` (the default): `callhook.db` in the data directory (`--data`), for one instance.
 * `postgres`: a PostgreSQL database several instances share (`url`'s password is a secret: shown
 * masked). `instance` names this instance there (unique among those running; default
 * `<hostname>-<pid>`), `leaseSeconds` how long its claim on an outbox entry lasts unless renewed: an
 * instance that dies has its entries finished by another after at most that long. Both kinds take
 * `keepDays`: history and delivery-log rows older than that many days are removed (at start, then
 * hourly); the outbox is never trimmed. `type` may be left out for `sqlite` (`{"keepDays": 30}`).
 */
const JournalKindsSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('sqlite'), keepDays: keepDaysSchema }),
    z.strictObject({
      type: z.literal('postgres'),
      url: z
        .string({ error: 'journal.url is required for "postgres": e.g. "postgres://callhook:PASSWORD@db.example:5432/callhook"' })
        .max(2048)
        .refine(
          isPostgresUrl,
          'journal.url must be a postgres:// (or postgresql://) URL with a host, e.g. "postgres://callhook:PASSWORD@db.example:5432/callhook"',
        ),
      instance: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,62}$/, 'journal.instance: letters, digits, ".", "_", ":" or "-", at most 63, starting with a letter or digit')
        .optional(),
      leaseSeconds: z
        .number()
        .int()
        .min(2, 'journal.leaseSeconds must be 2–3600 (seconds)')
        .max(3600, 'journal.leaseSeconds must be 2–3600 (seconds)')
        .default(DEFAULT_LEASE_SECONDS),
      keepDays: keepDaysSchema,
    }),
  ],
  { error: 'journal.type must be "sqlite" (the default: a file in the data directory) or "postgres" (with "url")' },
);
export const JournalSettingsSchema = z.preprocess(
  (value) => (typeof value === 'object' && value !== null && !Array.isArray(value) && !('type' in value) ? { ...value, type: 'sqlite' } : value),
  JournalKindsSchema,
);
export type JournalSettings = z.output<typeof JournalSettingsSchema>;

/** The inbound settings as the control API shows them: `token` may be the marker. */
export const MaskedInboundSchema = InboundSchema.extend({ token: secretOr(inboundToken).nullable().default(null) });

/**
 * What one edition's settings may hold: at most `maxSlots` Action URL slots (default 5), lines of the
 * listed plugins' types (default: the simulator only), slots naming the listed sinks (default: http
 * and browser). Every path that validates settings (file, API, IPC, `config check`) passes the same one.
 */
export interface EditionLimits {
  maxSlots?: number;
  linePlugins?: readonly LineSchemaSource[];
  sinkModes?: readonly string[];
}

/** The delivery sink a slot's deliveries go to. */
export function sinkOf(slot: Pick<Slot, 'sink' | 'openInBrowser'>): string {
  return slot.sink ?? (slot.openInBrowser ? 'browser' : 'http');
}

function actionUrlsSchema<T extends z.ZodType>(slot: T, maxSlots: number) {
  return z
    .strictObject({
      enabled: z.boolean().default(false),
      slots: z.array(slot).max(maxSlots, `this edition takes at most ${maxSlots} Action URL slots; remove some`).default([]),
    })
    .default({ enabled: false, slots: [] });
}

function baseSettingsSchema(maxSlots: number) {
  return z.strictObject({
    $schema: z.string().optional(),
    actionUrls: actionUrlsSchema(SlotSchema, maxSlots),
    inbound: InboundSchema.default(InboundSchema.parse({})),
    journal: JournalSettingsSchema.default({ type: 'sqlite', keepDays: DEFAULT_KEEP_DAYS }),
    /** The MQTT broker events, line state and commands also go through; absent: no MQTT. */
    mqtt: MqttSettingsSchema.optional(),
  });
}

function maskedBaseSettingsSchema(maxSlots: number) {
  return z.strictObject({
    $schema: z.string().optional(),
    actionUrls: actionUrlsSchema(MaskedSlotSchema, maxSlots),
    inbound: MaskedInboundSchema.default(MaskedInboundSchema.parse({})),
    journal: JournalSettingsSchema.default({ type: 'sqlite', keepDays: DEFAULT_KEEP_DAYS }),
    mqtt: MaskedMqttSettingsSchema.optional(),
  });
}

/** Validated settings: `lines` always holds every line (the `line` shorthand becomes one line with id `default`). */
export type Settings = z.output<ReturnType<typeof baseSettingsSchema>> & { lines: LineSettings[] };
/** A line as written in a settings document: its type, its id (optional in the `line` shorthand), its fields. */
export type LineSettingsInput = { type: string; id?: string } & Record<string, unknown>;
/** A settings document as written: `line` (one line) or `lines`, not both. */
export type SettingsInput = z.input<ReturnType<typeof baseSettingsSchema>> & { line?: LineSettingsInput; lines?: LineSettingsInput[] };
/**
 * Settings with every secret shown as `{"set": true}` (what `GET /api/v1/settings` answers): slot
 * secrets and secret headers, the inbound token, and each line's secret fields (`LinePlugin.secrets`).
 */
export type MaskedSettings = z.output<ReturnType<typeof maskedBaseSettingsSchema>> & { lines: LineSettings[] };
export type MaskedSettingsInput = z.input<ReturnType<typeof maskedBaseSettingsSchema>> & { line?: LineSettingsInput; lines?: LineSettingsInput[] };
export type MaskedSlot = z.output<typeof MaskedSlotSchema>;
export type MaskedInboundSettings = z.output<typeof MaskedInboundSchema>;

/** The secret fields of a line plugin's settings (`LinePlugin.secrets`); none when it declares none. */
export function lineSecretFields(plugin: Pick<LineSchemaSource, 'secrets'> | undefined): readonly string[] {
  return plugin?.secrets?.fields ?? [];
}

function buildSettingsSchema(edition: EditionLimits, masked: boolean): z.ZodType {
  const maxSlots = edition.maxSlots ?? DEFAULT_MAX_SLOTS;
  const plugins = edition.linePlugins ?? [simulatorLine];
  const sinks = edition.sinkModes ?? STANDARD_SINK_MODES;
  if (plugins.length === 0) throw new Error('an edition needs at least one line plugin');
  const types = plugins.map((p) => `"${p.type}"`).join(', ');
  const pluginSchema = (p: LineSchemaSource): z.ZodObject => {
    if (!masked) return p.settingsSchema;
    const shape = p.settingsSchema.shape as Record<string, z.ZodType>;
    const secretShape = Object.fromEntries(
      lineSecretFields(p)
        .filter((f) => shape[f])
        .map((f) => [f, secretOr(shape[f]!)]),
    );
    // safeExtend: a line schema with refinements (the SIP line's) cannot have keys overwritten by extend (zod 4 throws).
    return p.settingsSchema.safeExtend(secretShape as never);
  };
  const lineSchema = (id: z.ZodType<string, string | undefined>) =>
    z.discriminatedUnion('type', plugins.map((p) => pluginSchema(p).extend({ id })) as unknown as [z.ZodObject, ...z.ZodObject[]], {
      error: `the line type must be one of ${types} in this edition`,
    });
  const first = plugins[0]!;
  const firstDefault = first.settingsSchema.safeParse({ type: first.type });
  const defaultLines = firstDefault.success ? [{ ...firstDefault.data, id: DEFAULT_LINE_ID } as LineSettings] : null;
  const base = masked ? maskedBaseSettingsSchema(maxSlots) : baseSettingsSchema(maxSlots);
  return (base as ReturnType<typeof baseSettingsSchema>)
    .extend({
      line: lineSchema(LineIdSchema.default(DEFAULT_LINE_ID)).optional(),
      lines: z.array(lineSchema(LineIdSchema)).min(1, 'list at least one line').max(MAX_LINES, `at most ${MAX_LINES} lines per instance`).optional(),
    })
    .superRefine((settings, ctx) => {
      if (settings.line && settings.lines) {
        ctx.addIssue({ code: 'custom', path: ['line'], message: 'write either "line" (one line) or "lines", not both; move this line into "lines"' });
        return;
      }
      const lines = (settings.lines ?? (settings.line ? [settings.line] : defaultLines)) as LineSettings[] | null;
      if (!lines) {
        ctx.addIssue({ code: 'custom', path: ['lines'], message: `add a line, e.g. "lines": [{ "id": "desk", "type": ${types.split(', ')[0]}, … }]` });
        return;
      }
      const seen = new Set<string>();
      lines.forEach((line, i) => {
        if (seen.has(line.id))
          ctx.addIssue({ code: 'custom', path: ['lines', i, 'id'], message: `line id "${line.id}" is used twice; give each line its own id` });
        seen.add(line.id);
      });
      settings.actionUrls.slots.forEach((slot, i) => {
        for (const id of slot.lines ?? []) {
          if (!seen.has(id)) {
            ctx.addIssue({
              code: 'custom',
              path: ['actionUrls', 'slots', i, 'lines'],
              message: `slot ${i + 1} names line "${id}", which is not configured (lines: ${[...seen].join(', ')})`,
            });
          }
        }
        const sink = sinkOf(slot);
        if (!sinks.includes(sink)) {
          ctx.addIssue({
            code: 'custom',
            path: ['actionUrls', 'slots', i, 'sink'],
            message: `slot ${i + 1} names the sink "${sink}", which this edition does not have (sinks: ${sinks.join(', ')})`,
          });
        }
      });
    })
    .transform(({ line, lines, ...rest }) => ({ ...rest, lines: (lines ?? (line ? [line] : defaultLines!)) as LineSettings[] }));
}

/**
 * The settings schema of an edition (see `EditionLimits`). Besides every field's own rules it checks
 * that line ids are unique, that a slot's `lines` name configured lines and its `sink` a sink of the
 * edition, and turns the `line` shorthand into `lines: [{ "id": "default", … }]`.
 */
export function createSettingsSchema(edition: EditionLimits = {}): z.ZodType<Settings, SettingsInput> {
  return buildSettingsSchema(edition, false) as unknown as z.ZodType<Settings, SettingsInput>;
}

/**
 * The settings document as the control API, the desktop's IPC and the console exchange it: every
 * secret may be `{"set": true}` (see `maskSettings` / `restoreSecrets`), the lines' secret fields
 * being the ones their plugins declare.
 */
export function createMaskedSettingsSchema(edition: EditionLimits = {}): z.ZodType<MaskedSettings, MaskedSettingsInput> {
  return buildSettingsSchema(edition, true) as unknown as z.ZodType<MaskedSettings, MaskedSettingsInput>;
}

export const SettingsSchema = createSettingsSchema();
export const MaskedSettingsSchema = createMaskedSettingsSchema();
export type Slot = z.output<typeof SlotSchema>;
export type InboundSettings = z.output<typeof InboundSchema>;

/**
 * The JSON Schema of the settings file (`callhook config schema`), or with `{ masked: true }` of the
 * document the control API answers and takes back (secrets may be `{"set": true}`).
 */
export function settingsJsonSchema(edition?: EditionLimits, options: { masked?: boolean } = {}): Record<string, unknown> {
  const schema = options.masked ? createMaskedSettingsSchema(edition) : createSettingsSchema(edition);
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
