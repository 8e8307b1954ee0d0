import { z } from 'zod';
import { ACTIONS } from '../actions.js';
import { defaultInternationalPrefix, isDialPlanCountry } from '../dial/dial-plan.js';
import { isCidr, isHostName, isIP } from './net-validators.js';

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
const secretOr = <T extends z.ZodType>(schema: T) => z.union([SecretMarkerSchema, schema]);

const headerName = z.string().regex(HEADER_NAME, 'header names are HTTP tokens (letters, digits, -)').refine(
  (name) => !RESERVED_HEADERS.has(name.toLowerCase()),
  'this header is set by callhook itself; remove it',
);
const headerValue = z.string().max(4096).regex(/^[^\r\n\0]*$/, 'header values may not contain line breaks');
const slotSecret = z.string().min(16, 'use a signing secret of at least 16 characters').max(512);

const slotShape = {
  on: z.enum(ACTIONS, { error: `"on" must be one of ${ACTIONS.join(', ')}` }),
  // Empty is allowed for an inactive slot, so a cleared slot keeps its place (and its number in the log).
  url: z.string().max(8192, 'URL longer than 8192 characters'),
  active: z.boolean().default(true),
  openInBrowser: z.boolean().default(false),
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
      max: z.number().int().min(0).max(10).default(0),
      backoffMs: z.number().int().min(10).max(600_000).default(1_000),
    })
    .default({ max: 0, backoffMs: 1_000 }),
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
  .refine(isHostName, 'write a DNS name such as phone.example.lan (letters, digits, hyphens and dots; no port, no scheme; IP addresses and localhost need no entry)');

const actionSwitches = z.strictObject(
  Object.fromEntries(INBOUND_ACTIONS.map((a) => [a, z.boolean().default(false)])) as Record<InboundAction, z.ZodDefault<z.ZodBoolean>>,
);

const inboundToken = z.string().min(16, 'use a token of at least 16 characters (callhook config init makes one)').max(512);

export const InboundSchema = z.strictObject({
  enabled: z.boolean().default(false),
  port: z.number().int().min(1, 'port must be 1–65535').max(65535, 'port must be 1–65535').default(DEFAULT_INBOUND_PORT),
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
  denyPrefixes: z.array(z.string().regex(/^[0-9+*#]+$/, 'prefixes are digits, +, * or #')).max(1024).default([]),
  rateLimit: z
    .strictObject({
      max: z.number().int().min(1).max(100_000).default(10),
      windowMs: z.number().int().min(1_000).max(3_600_000).default(60_000),
    })
    .default({ max: 10, windowMs: 60_000 }),
  duplicateWindowMs: z.number().int().min(0).max(600_000).default(5_000),
});

/** The inbound settings as the control API shows them: `token` may be the marker. */
export const MaskedInboundSchema = InboundSchema.extend({ token: secretOr(inboundToken).nullable().default(null) });

/**
 * What answering a call does to a call already connected on the line. `hold` (the default, as desk
 * phones do): the connected call is put on hold first, firing its hold Action URL. `none`: both stay
 * connected (a conference-like state few users want).
 */
const callWaiting = z.enum(['hold', 'none'], { error: 'callWaiting must be "hold" or "none"' }).default('hold');

/**
 * `line.dialPlan`: off (null) by default. When set, E.164 numbers (`+4930123460`) are sent to the line
 * as the PBX expects them (outside line + national or international prefix), and the deny list also
 * compares numbers in E.164. See `DialPlan`.
 */
export const DialPlanSchema = z
  .strictObject({
    country: z.string().refine(isDialPlanCountry, 'write the country as an ISO 3166-1 alpha-2 code such as "DE" or "US"'),
    outsideLinePrefix: z.string().regex(/^[0-9*#]{0,8}$/, 'the outside line prefix is up to 8 of 0-9, * and # (often "0" or "9"; "" for none)').default(''),
    internationalPrefix: z
      .string()
      .regex(/^[0-9]{1,6}$/, 'the international prefix is 1–6 digits such as "00" or "011"')
      .nullable()
      .default(null),
  })
  .refine((plan) => plan.internationalPrefix !== null || !isDialPlanCountry(plan.country) || defaultInternationalPrefix(plan.country) !== null, {
    message: 'this country has several international prefixes; set internationalPrefix (e.g. "00")',
    path: ['internationalPrefix'],
  });

export const SimulatorLineSchema = z.strictObject({
  type: z.literal('simulator'),
  localParty: z.string().min(1).default('sip:303@callhook.invalid'),
  displayName: z.string().nullable().default('Michael'),
  /** Outgoing calls are answered by the simulated remote after this long; null leaves them ringing. */
  answerAfterMs: z.number().int().min(0).max(600_000).nullable().default(2_000),
  callWaiting,
  dialPlan: DialPlanSchema.nullable().default(null),
});

/**
 * `inactivityTimeoutSeconds`: a connected call that is not on hold and has received no RTP for this
 * long is ended with BYE (a dead peer; RFC 3550 gives no keepalive of its own). 0 turns the check off.
 */
export const SipMediaSchema = z.strictObject({
  inactivityTimeoutSeconds: z
    .number()
    .int()
    .min(0, 'use 0 to turn the RTP inactivity timeout off, or a number of seconds')
    .max(3_600, 'the RTP inactivity timeout is at most 3600 seconds')
    .default(45),
});

/**
 * Limits that keep idle or hostile TCP connections from using up file descriptors: connections open at
 * once (in and out), connections per remote IP address, and seconds a new inbound connection may take
 * to send its first valid SIP request before it is closed.
 */
export const SipTcpLimitsSchema = z.strictObject({
  maxConnections: z.number().int().min(1).max(10_000).default(256),
  maxConnectionsPerPeer: z.number().int().min(1).max(1_000).default(16),
  firstRequestTimeoutSeconds: z.number().int().min(1).max(300).default(5),
});

export const SipLineSchema = z.strictObject({
  type: z.literal('sip'),
  aor: z
    .string()
    .regex(/^sips?:[^@\s]+@[^\s]+$/, 'write the address of record as sip:user@domain')
    // sip:user:password@host (RFC 3261 §19.1.1: SHOULD NOT) would put the password in <$local_party>,
    // in the line status and in every log line that names the AOR.
    .refine((aor) => !/^sips?:[^@:]*:[^@]*@/.test(aor), 'a password does not belong in the address of record; write sip:user@domain and put it in line.password'),
  password: z.string().default(''),
  authUser: z.string().optional(),
  registrar: z
    .string()
    .regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/, 'write the registrar as host[:port], e.g. 127.0.0.1:5060')
    .optional(),
  transport: z.enum(['udp', 'tcp']).default('udp'),
  displayName: z.string().optional(),
  bindAddress: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(0),
  autoAnswer: z.boolean().default(false),
  registerExpires: z.number().int().min(30).max(86_400).default(600),
  callWaiting,
  dialPlan: DialPlanSchema.nullable().default(null),
  /** Media supervision of connected calls. */
  media: SipMediaSchema.default(SipMediaSchema.parse({})),
  /** Limits of the SIP TCP listener (only with `transport: "tcp"`). */
  tcp: SipTcpLimitsSchema.default(SipTcpLimitsSchema.parse({})),
});

export const LineSchema = z.discriminatedUnion('type', [SimulatorLineSchema, SipLineSchema], {
  error: 'line.type must be "simulator" or "sip"',
});

/** The SIP line as the control API shows it: `password` may be the marker. */
export const MaskedSipLineSchema = SipLineSchema.extend({ password: secretOr(z.string()).default('') });
export const MaskedLineSchema = z.discriminatedUnion('type', [SimulatorLineSchema, MaskedSipLineSchema], {
  error: 'line.type must be "simulator" or "sip"',
});

export interface EditionLimits {
  maxSlots: number;
}

function actionUrlsSchema<T extends z.ZodType>(slot: T, limits: EditionLimits) {
  return z.strictObject({
    enabled: z.boolean().default(false),
    slots: z
      .array(slot)
      .max(limits.maxSlots, `this edition takes at most ${limits.maxSlots} Action URL slots; remove some`)
      .default([]),
  });
}

/** The settings document as it is stored (the settings file) and used by the engine. */
export function createSettingsSchema(limits: EditionLimits = { maxSlots: DEFAULT_MAX_SLOTS }) {
  return z.strictObject({
    $schema: z.string().optional(),
    actionUrls: actionUrlsSchema(SlotSchema, limits).default({ enabled: false, slots: [] }),
    inbound: InboundSchema.default(InboundSchema.parse({})),
    line: LineSchema.default(SimulatorLineSchema.parse({ type: 'simulator' })),
  });
}

/**
 * The settings document as the control API, the desktop's IPC and the console exchange it: every
 * secret may be `{"set": true}` (see `maskSettings` / `restoreSecrets`).
 */
export function createMaskedSettingsSchema(limits: EditionLimits = { maxSlots: DEFAULT_MAX_SLOTS }) {
  return z.strictObject({
    $schema: z.string().optional(),
    actionUrls: actionUrlsSchema(MaskedSlotSchema, limits).default({ enabled: false, slots: [] }),
    inbound: MaskedInboundSchema.default(MaskedInboundSchema.parse({})),
    line: MaskedLineSchema.default(SimulatorLineSchema.parse({ type: 'simulator' })),
  });
}

export const SettingsSchema = createSettingsSchema();
export const MaskedSettingsSchema = createMaskedSettingsSchema();
export type Settings = z.output<typeof SettingsSchema>;
export type SettingsInput = z.input<typeof SettingsSchema>;
export type Slot = z.output<typeof SlotSchema>;
export type InboundSettings = z.output<typeof InboundSchema>;
export type LineSettings = z.output<typeof LineSchema>;
export type SipLineSettings = z.output<typeof SipLineSchema>;
export type SimulatorLineSettings = z.output<typeof SimulatorLineSchema>;
/** Settings with every secret shown as `{"set": true}` (what `GET /api/v1/settings` answers). */
export type MaskedSettings = z.output<typeof MaskedSettingsSchema>;
export type MaskedSettingsInput = z.input<typeof MaskedSettingsSchema>;
export type MaskedSlot = z.output<typeof MaskedSlotSchema>;
export type MaskedInboundSettings = z.output<typeof MaskedInboundSchema>;

/**
 * The JSON Schema of the settings file (`callhook config schema`), or with `{ masked: true }` of the
 * document the control API answers and takes back (secrets may be `{"set": true}`).
 */
export function settingsJsonSchema(limits?: EditionLimits, options: { masked?: boolean } = {}): Record<string, unknown> {
  const schema = options.masked ? createMaskedSettingsSchema(limits) : createSettingsSchema(limits);
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
