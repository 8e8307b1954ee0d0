import { LINE_COMMON_FIELDS } from '@callhook/core';
import * as z from 'zod';

/** Where callhook listens for the phone's event URLs, and the base URL the phone must call. */
export const DeskPhoneCallbackSchema = z.strictObject(
  {
    listen: z
      .string({ error: 'callback.listen is the address to listen on, e.g. "0.0.0.0" or the LAN address of this computer' })
      .min(1, 'callback.listen is the address to listen on, e.g. "0.0.0.0" or the LAN address of this computer')
      .describe('the address of this computer callhook listens on for the phone\'s messages, e.g. "0.0.0.0" (all)'),
    port: z
      .number({ error: 'callback.port is a port number such as 61235' })
      .int('callback.port is a whole port number such as 61235')
      .min(1, 'callback.port is 1–65535, e.g. 61235 (the phone must know it, so 0 is not allowed)')
      .max(65535, 'callback.port is 1–65535, e.g. 61235')
      .describe("the port callhook listens on for the phone's messages, e.g. 61235"),
    url: z
      .string({ error: 'callback.url is the base URL the phone calls back, e.g. "http://192.0.2.5:61235"' })
      .regex(/^http:\/\/[^/\s?#]+$/, 'callback.url is http://HOST:PORT with no path, e.g. "http://192.0.2.5:61235" (phones call plain http)')
      .describe('how the phone reaches this computer: http://<this computer\'s address>:<port>, e.g. "http://192.0.2.5:61235"'),
  },
  { error: 'callback is {"listen": "0.0.0.0", "port": 61235, "url": "http://<this computer>:61235"}' },
);

/**
 * How callhook reaches the phone for uaCSTA (protocol "csta", ECMA TR/87): the SIP URI the CSTA
 * INVITE goes to, the local SIP socket, and the digest user of the phone's identity (Snom
 * `csta_challenge` checks `user_pass`; the password is the line's `password`, kept as a secret).
 * Every field has a default derived from `url` and `account`.
 */
export const DeskPhoneCstaSchema = z.strictObject(
  {
    uri: z
      .string({ error: 'csta.uri is the phone\'s SIP URI, e.g. "sip:987@192.0.2.10:5060"' })
      .regex(/^sip:([^@\s]+@)?[^@\s]+$/, 'csta.uri is the phone\'s SIP URI as sip:USER@HOST[:PORT], e.g. "sip:987@192.0.2.10:5060"')
      .optional(),
    listen: z
      .string({ error: 'csta.listen is the local address for the CSTA SIP socket, e.g. "0.0.0.0"' })
      .min(1, 'csta.listen is the local address for the CSTA SIP socket, e.g. "0.0.0.0" or the LAN address of this computer')
      .default('0.0.0.0'),
    port: z
      .number({ error: 'csta.port is the local SIP port, e.g. 5070 (0 = any free port)' })
      .int('csta.port is a whole port number, e.g. 5070 (0 = any free port)')
      .min(0, 'csta.port is 0–65535 (0 = any free port)')
      .max(65535, 'csta.port is 0–65535 (0 = any free port)')
      .default(0),
    transport: z.enum(['udp', 'tcp'], { error: 'csta.transport must be "udp" or "tcp"' }).default('udp'),
    username: z.string({ error: "csta.username is the SIP user of the phone's identity (a string), for a phone that challenges CSTA" }).optional(),
  },
  {
    error: 'csta is {"uri": "sip:987@192.0.2.10:5060"} (all fields optional: uri, listen, port, transport, username; the SIP password is the line\'s password)',
  },
);

/**
 * Settings of one `deskphone` line (hardware telephone mode), the public contract of issue 11:
 * `vendor` snom | yealink | grandstream; `protocol` http | csta (uaCSTA, Snom and Yealink only);
 * `url` the phone's web address; `username`/`password` its web admin login (Grandstream: `password`
 * is the CTI passcode; csta: `password` is the identity's SIP password, sent only when the phone
 * challenges, and `username` is unused); `account` the phone's identity as `user@domain` (`outgoing_uri` / MakeCall's
 * calling device, and `<$local_party>`); `callback` where callhook hears the phone's event URLs
 * (protocol http only, required there); `provision` whether callhook writes the phone's event URLs
 * itself where the vendor allows (http only); `csta` how the uaCSTA session is opened (protocol csta only).
 */
export const DeskPhoneLineSchema = z
  .strictObject({
    type: z.literal('deskphone'),
    vendor: z.enum(['snom', 'yealink', 'grandstream'], { error: 'vendor must be "snom", "yealink" or "grandstream"' }).describe('who made the desk phone'),
    protocol: z
      .enum(['http', 'csta'], { error: 'protocol must be "http" (remote-control URLs + Action URLs) or "csta" (uaCSTA)' })
      .default('http')
      .describe('how callhook talks to the phone: "http" for most phones; "csta" for Snom or Yealink phones set up for uaCSTA'),
    url: z
      .string({ error: 'url is the phone\'s web address, e.g. "http://192.0.2.10"' })
      .regex(/^https?:\/\/[^/\s?#@]+\/?$/, 'url is the phone\'s web address as http(s)://HOST[:PORT], no path or user:password@ (e.g. "http://192.0.2.10")')
      .describe('the phone\'s web address, as you would open it in a browser, e.g. "http://192.0.2.10"'),
    username: z
      .string({ error: 'username is the phone\'s web admin user, e.g. "admin"' })
      .default('admin')
      .describe("the user name you log in to the phone's web page with"),
    password: z
      .string({ error: "password is the phone's web admin password (a string)" })
      .default('')
      .describe("the password of the phone's web page (Grandstream: the CTI passcode)"),
    account: z
      .string({ error: 'account is the phone\'s identity as user@domain, e.g. "987@example.com"' })
      .regex(/^(sips?:)?[^@\s:]+@[^@\s]+$/, 'account is the phone\'s identity as user@domain, e.g. "987@example.com"')
      .describe('the phone\'s own number as user@domain, e.g. "987@example.com"'),
    callback: DeskPhoneCallbackSchema.optional().describe('where the phone sends news of its calls (needed with protocol "http")'),
    provision: z
      .boolean({ error: "provision is true (callhook writes the phone's event URLs where it can) or false" })
      .default(false)
      .describe('let callhook enter the setup on the phone itself where the phone allows it (Snom); otherwise use "Set up phone"'),
    csta: DeskPhoneCstaSchema.optional(),
    ...LINE_COMMON_FIELDS,
  })
  .superRefine((line, context) => {
    const issue = (path: string, message: string) => context.addIssue({ code: 'custom', path: [path], message });
    if (line.protocol === 'http') {
      if (!line.callback)
        issue('callback', 'callback is required with protocol "http": {"listen": "0.0.0.0", "port": 61235, "url": "http://<this computer>:61235"}');
      if (line.csta) issue('csta', 'csta is for protocol "csta" only; remove it or set protocol to "csta"');
      return;
    }
    if (line.vendor === 'grandstream')
      issue('protocol', 'protocol "csta" is not available for vendor "grandstream" (Grandstream phones have no uaCSTA); use protocol "http"');
    if (line.callback) issue('callback', 'callback is for protocol "http" only (with "csta" the events come over the CSTA session); remove it');
    if (line.provision)
      issue(
        'provision',
        'provision writes event URLs for protocol "http" only; set it to false with protocol "csta" (switch CSTA on at the phone: callhook phone setup)',
      );
  });

/** Settings of one `deskphone` line (a `lines[]` entry without its id). */
export type DeskPhoneLineSettings = z.output<typeof DeskPhoneLineSchema>;

/** A validated `deskphone` line with its id. */
export type DeskPhoneSettings = DeskPhoneLineSettings & { id: string };

/** The uaCSTA session settings of a csta line with every default filled in (phone URI from `url` and `account`). */
export function cstaOf(settings: DeskPhoneLineSettings): {
  uri: string;
  listen: string;
  port: number;
  transport: 'udp' | 'tcp';
  username: string;
  password: string;
} {
  const csta = settings.csta;
  const user = accountOf(settings).split('@')[0]!;
  const host = new URL(settings.url).hostname;
  return {
    uri: csta?.uri ?? `sip:${user}@${host}:5060`,
    listen: csta?.listen ?? '0.0.0.0',
    port: csta?.port ?? 0,
    transport: csta?.transport ?? 'udp',
    username: csta?.username ?? user,
    password: settings.password,
  };
}

/** `account` without a `sip:` scheme: `987@example.com` (what `<$local_party>` shows in hardware mode). */
export function accountOf(settings: Pick<DeskPhoneLineSettings, 'account'>): string {
  return settings.account.replace(/^sips?:/, '');
}
