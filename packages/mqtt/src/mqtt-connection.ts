import { maskCredentials, type Clock, type Logger, type MqttSettings } from '@callhook/core';
import { connect, type IClientOptions, type IClientPublishOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { OFFLINE } from './topics.js';

/** How long `end` waits for the broker to acknowledge the goodbye messages. */
const END_WAIT_MS = 2_000;

/** A message as a subscriber sees it (MQTT 5 properties included when the publisher set them). */
export interface IncomingMessage {
  topic: string;
  payload: Buffer;
  packet: IPublishPacket;
}

/** What `MqttConnection` is built from. */
export interface ConnectionOptions {
  settings: MqttSettings;
  clientId: string;
  /** The last will (MQTT 3.1.1 §3.1.2.5): `offline`, retained, published by the broker when the connection dies. */
  willTopic: string;
  logger: Logger;
  /** Bounds the goodbye at `end` (a broker that stops answering must not hold up a shutdown). */
  clock: Clock;
  /** How long to wait before connecting again after a connection is lost or refused (ms). */
  reconnectPeriodMs?: number;
}

/**
 * One connection to the broker (mqtt.js, MQTT 5), kept up: when it drops or the broker is down it
 * connects again every `reconnectPeriodMs`. Sessions are clean: what must survive (event messages)
 * is in the journal's outbox, and state topics are published again on every connect.
 */
export class MqttConnection {
  private client: MqttClient | null = null;
  private readonly connectListeners = new Set<() => void>();
  private readonly messageListeners = new Set<(message: IncomingMessage) => void>();
  private lastProblem = 'not connected yet';
  private ended = false;

  constructor(private readonly options: ConnectionOptions) {}

  /** Starts connecting; resolves at once (the broker may be down: it keeps trying). */
  start(): void {
    if (this.client || this.ended) return;
    const { settings, clientId, willTopic } = this.options;
    const clientOptions: IClientOptions = {
      clientId,
      protocolVersion: 5,
      clean: true,
      keepalive: 30,
      reconnectPeriod: this.options.reconnectPeriodMs ?? 1_000,
      connectTimeout: 10_000,
      resubscribe: false,
      will: { topic: willTopic, payload: Buffer.from(OFFLINE), qos: 1, retain: true },
      ...(settings.username === null ? {} : { username: settings.username }),
      ...(settings.password === null ? {} : { password: settings.password }),
      ...(settings.ca === null ? {} : { ca: settings.ca }),
    };
    const client = connect(settings.url, clientOptions);
    this.client = client;
    client.on('connect', () => {
      this.lastProblem = '';
      this.options.logger.log('info', `MQTT: connected to ${this.broker()}`);
      for (const listener of this.connectListeners) this.call(() => listener());
    });
    client.on('close', () => {
      if (!this.ended && this.lastProblem === '') this.lastProblem = 'connection closed; connecting again';
    });
    client.on('offline', () => {
      if (!this.ended) this.options.logger.log('warn', `MQTT: ${this.broker()} is unreachable (${this.lastProblem || 'offline'}); connecting again`);
    });
    client.on('error', (error) => {
      this.lastProblem = maskCredentials(error.message);
      this.options.logger.log('warn', `MQTT: ${this.broker()}: ${this.lastProblem}`);
    });
    client.on('message', (topic, payload, packet) => {
      for (const listener of this.messageListeners) this.call(() => listener({ topic, payload, packet }));
    });
  }

  /** True while connected (a CONNACK with success was received and the connection is open). */
  get connected(): boolean {
    return this.client?.connected === true;
  }

  /** One line for `/healthz` and logs: the broker (credentials masked) and, when down, why. */
  status(): { state: 'up' | 'down' | 'stopped'; detail: string } {
    if (this.ended) return { state: 'stopped', detail: `disconnected from ${this.broker()}` };
    if (this.connected) return { state: 'up', detail: `connected to ${this.broker()} as ${this.options.clientId}` };
    return { state: 'down', detail: `${this.broker()}: ${this.lastProblem || 'connecting'}` };
  }

  /** Called on every (re)connect, e.g. to subscribe and publish retained state again. */
  onConnect(listener: () => void): () => void {
    this.connectListeners.add(listener);
    return () => this.connectListeners.delete(listener);
  }

  onMessage(listener: (message: IncomingMessage) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  /**
   * Publishes once connected. Resolves when the broker acknowledged it — PUBACK for QoS 1, PUBCOMP
   * for QoS 2 (MQTT 3.1.1 §4.3), once written for QoS 0 — and rejects with the reason otherwise.
   * A message already handed over when the connection drops is sent again by mqtt.js on reconnect.
   */
  publish(topic: string, payload: string | Buffer, options: IClientPublishOptions): Promise<void> {
    const client = this.client;
    if (!client || this.ended) return Promise.reject(new Error('the MQTT connection is stopped'));
    return new Promise((resolve, reject) => {
      client.publish(topic, payload, options, (error) => (error ? reject(new Error(maskCredentials(error.message))) : resolve()));
    });
  }

  /** Subscribes (MQTT 3.1.1 §3.8); rejects when the broker refuses. */
  async subscribe(filter: string, qos: 0 | 1 | 2): Promise<void> {
    const client = this.client;
    if (!client) throw new Error('the MQTT connection is not started');
    const grants = await client.subscribeAsync(filter, { qos });
    const refused = grants.find((grant) => grant.qos > 2);
    if (refused) throw new Error(`the broker refused the subscription to ${filter} (reason ${refused.qos})`);
  }

  /**
   * Resolves once connected, or rejects when `onAbort` is called first. `onAbort` gets the function
   * that gives up (the caller ties it to its own cancellation).
   */
  whenConnected(onAbort: (abort: (reason: Error) => void) => void): Promise<void> {
    if (this.connected) return Promise.resolve();
    if (this.ended) return Promise.reject(new Error('the MQTT connection is stopped'));
    return new Promise((resolve, reject) => {
      const off = this.onConnect(() => {
        off();
        resolve();
      });
      onAbort((reason) => {
        off();
        reject(reason);
      });
    });
  }

  /**
   * Ends the connection: publishes `finalMessages` first when connected (e.g. `offline`, as a clean
   * DISCONNECT suppresses the will, MQTT 3.1.1 §3.14.4) and waits up to 2 s for their
   * acknowledgement, then disconnects. Messages not acknowledged by then are dropped from mqtt.js
   * (their outbox entries stay).
   */
  async end(finalMessages: { topic: string; payload: string }[] = []): Promise<void> {
    const client = this.client;
    if (!client || this.ended) {
      this.ended = true;
      return;
    }
    if (client.connected) {
      const sent = Promise.allSettled(finalMessages.map(({ topic, payload }) => this.publish(topic, payload, { qos: 1, retain: true })));
      let timer: ReturnType<Clock['setTimeout']> | null = null;
      const bound = new Promise<void>((resolve) => (timer = this.options.clock.setTimeout(resolve, END_WAIT_MS)));
      await Promise.race([sent, bound]);
      if (timer !== null) this.options.clock.clearTimeout(timer);
    }
    this.ended = true;
    await client.endAsync(true); // forced: what is not acknowledged by now stays in the outbox
  }

  /** The broker URL as logs show it (no credentials: they are never in the URL, see the settings rules). */
  private broker(): string {
    return maskCredentials(this.options.settings.url);
  }

  /** Runs a listener; one that throws is logged and never escapes into mqtt.js's socket callbacks. */
  private call(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.options.logger.log('error', `MQTT: a listener failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
