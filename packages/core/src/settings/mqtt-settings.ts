import * as z from 'zod';

/** The URL schemes an MQTT broker may be reached by: plain TCP, TLS, WebSocket and secure WebSocket. */
export const MQTT_URL_SCHEMES = ['mqtt:', 'mqtts:', 'ws:', 'wss:'] as const;

/**
 * A topic level a prefix may use: no MQTT wildcards (`+`, `#`, MQTT 3.1.1 §4.7.1), no `$` at the
 * start (reserved for the broker, §4.7.2), no empty level, no NUL.
 */
const TOPIC_PREFIX = /^(?!\$)[^+#/\0]+(\/[^+#/\0]+)*$/;

/** MQTT 3.1.1 §3.1.3.1 allows any client id up to 23 bytes; brokers (Mosquitto, EMQX, HiveMQ) take 65535. */
const CLIENT_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

const mqttUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (MQTT_URL_SCHEMES as readonly string[]).includes(url.protocol) && url.hostname !== '';
  } catch {
    return false;
  }
}, 'write the broker as mqtt://host:1883, mqtts://host:8883, ws://host:8080/mqtt or wss://host/mqtt');

const mqttPassword = z.string().min(1, 'leave "password" out for a broker without one').max(1024);

const mqttShape = {
  url: mqttUrl,
  topicPrefix: z
    .string()
    .max(128, 'topicPrefix may be at most 128 characters')
    .regex(TOPIC_PREFIX, 'topicPrefix is one or more topic levels such as "callhook" or "home/phones", without +, #, empty levels or a leading $')
    .default('callhook'),
  /** The MQTT client id; null: `callhook-<host name>`. Two instances must not share one (the broker drops the older connection). */
  clientId: z.string().regex(CLIENT_ID, 'clientId takes 1–128 of letters, digits, _ . : and -').nullable().default(null),
  username: z.string().min(1, 'leave "username" out for a broker without one').max(1024).nullable().default(null),
  password: mqttPassword.nullable().default(null),
  /** A PEM certificate (or bundle) that the broker's TLS certificate must chain to (mqtts/wss); null: the system's CAs. */
  ca: z
    .string()
    .refine((value) => value.includes('-----BEGIN CERTIFICATE-----'), 'ca is the PEM text of a CA certificate ("-----BEGIN CERTIFICATE-----…")')
    .nullable()
    .default(null),
  qos: z.union([z.literal(0), z.literal(1), z.literal(2)], { error: 'qos must be 0, 1 or 2 (1: the broker acknowledges each event)' }).default(1),
  homeAssistant: z.boolean().default(false),
};

function withMqttRules<T extends z.ZodType<{ url: string; password: unknown; username: string | null; ca: string | null }>>(schema: T) {
  return schema
    .refine((mqtt) => mqtt.password === null || mqtt.username !== null, {
      message: 'a password needs a username; add "username" or remove "password"',
      path: ['password'],
    })
    .refine((mqtt) => mqtt.ca === null || /^(mqtts|wss):/i.test(mqtt.url), {
      message: 'ca only applies to TLS: use an mqtts:// or wss:// URL, or remove "ca"',
      path: ['ca'],
    })
    .refine((mqtt) => !/^[a-z]+:\/\/[^/]*@/i.test(mqtt.url), {
      message: 'put the credentials in "username" and "password", not in the URL',
      path: ['url'],
    });
}

/**
 * The `mqtt` section of the settings (a public contract, docs/deployment-mqtt.md): the broker, the
 * topic prefix (`<prefix>/<line id>/events`, `/state`, `/command` …), the QoS of event messages and
 * whether Home Assistant discovery configs are published. `password` is a secret (masked as `{"set": true}`).
 */
export const MqttSettingsSchema = withMqttRules(z.strictObject(mqttShape));

/** The `mqtt` section as the control API shows it: `password` may be the secret marker (see `secrets.ts`). */
export const MaskedMqttSettingsSchema = withMqttRules(
  z.strictObject({
    ...mqttShape,
    password: z
      .union([z.strictObject({ set: z.literal(true) }), mqttPassword])
      .nullable()
      .default(null),
  }),
);

export type MqttSettings = z.output<typeof MqttSettingsSchema>;
export type MaskedMqttSettings = z.output<typeof MaskedMqttSettingsSchema>;
