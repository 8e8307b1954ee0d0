import { LINE_COMMON_FIELDS } from '@callhook/core';
import { z } from 'zod';

/** Where callhook listens for the phone's event URLs, and the base URL the phone must call. */
export const DeskPhoneCallbackSchema = z.strictObject(
  {
    listen: z
      .string({ error: 'callback.listen is the address to listen on, e.g. "0.0.0.0" or the LAN address of this computer' })
      .min(1, 'callback.listen is the address to listen on, e.g. "0.0.0.0" or the LAN address of this computer'),
    port: z
      .number({ error: 'callback.port is a port number such as 61235' })
      .int('callback.port is a whole port number such as 61235')
      .min(1, 'callback.port is 1–65535, e.g. 61235 (the phone must know it, so 0 is not allowed)')
      .max(65535, 'callback.port is 1–65535, e.g. 61235'),
    url: z
      .string({ error: 'callback.url is the base URL the phone calls back, e.g. "http://192.0.2.5:61235"' })
      .regex(/^http:\/\/[^/\s?#]+$/, 'callback.url is http://HOST:PORT with no path, e.g. "http://192.0.2.5:61235" (phones call plain http)'),
  },
  { error: 'callback is {"listen": "0.0.0.0", "port": 61235, "url": "http://<this computer>:61235"}' },
);

/**
 * Settings of one `deskphone` line (hardware telephone mode), the public contract of issue 11:
 * `vendor` snom | yealink | grandstream; `protocol` http | csta (csta is refused at load until the
 * uaCSTA driver ships); `url` the phone's web address; `username`/`password` its web admin login
 * (Grandstream: `password` is the CTI passcode); `account` the phone's identity as `user@domain`
 * (`outgoing_uri` when dialling, and `<$local_party>`); `callback` where callhook hears the phone's
 * event URLs; `provision` whether callhook writes the phone's event URLs itself where the vendor allows.
 */
export const DeskPhoneLineSchema = z.strictObject({
  type: z.literal('deskphone'),
  vendor: z.enum(['snom', 'yealink', 'grandstream'], { error: 'vendor must be "snom", "yealink" or "grandstream"' }),
  protocol: z
    .enum(['http', 'csta'], { error: 'protocol must be "http" (remote-control URLs + Action URLs) or "csta" (uaCSTA)' })
    .default('http')
    .refine((protocol) => protocol !== 'csta', 'protocol "csta" (uaCSTA over SIP) is not available yet in this build; use "http"'),
  url: z
    .string({ error: 'url is the phone\'s web address, e.g. "http://192.0.2.10"' })
    .regex(/^https?:\/\/[^/\s?#@]+\/?$/, 'url is the phone\'s web address as http(s)://HOST[:PORT], no path or user:password@ (e.g. "http://192.0.2.10")'),
  username: z.string({ error: 'username is the phone\'s web admin user, e.g. "admin"' }).default('admin'),
  password: z.string({ error: "password is the phone's web admin password (a string)" }).default(''),
  account: z
    .string({ error: 'account is the phone\'s identity as user@domain, e.g. "987@example.com"' })
    .regex(/^(sips?:)?[^@\s:]+@[^@\s]+$/, 'account is the phone\'s identity as user@domain, e.g. "987@example.com"'),
  callback: DeskPhoneCallbackSchema,
  provision: z.boolean({ error: "provision is true (callhook writes the phone's event URLs where it can) or false" }).default(false),
  ...LINE_COMMON_FIELDS,
});

/** Settings of one `deskphone` line (a `lines[]` entry without its id). */
export type DeskPhoneLineSettings = z.output<typeof DeskPhoneLineSchema>;

/** A validated `deskphone` line with its id. */
export type DeskPhoneSettings = DeskPhoneLineSettings & { id: string };

/** `account` without a `sip:` scheme: `987@example.com` (what `<$local_party>` shows in hardware mode). */
export function accountOf(settings: Pick<DeskPhoneLineSettings, 'account'>): string {
  return settings.account.replace(/^sips?:/, '');
}
