import { connectAsync, type IClientPublishOptions, type IPublishPacket, type MqttClient } from 'mqtt';

export interface Seen {
  topic: string;
  text: string;
  /** The payload parsed as JSON once, on receipt (undefined when it is not JSON): polling reads it many times. */
  parsed: unknown;
  retain: boolean;
  packet: IPublishPacket;
}

/** A test client (MQTT 5) that records every message on the filters it subscribes to. */
export class Subscriber {
  readonly seen: Seen[] = [];

  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      const text = payload.toString();
      this.seen.push({ topic, text, parsed: parseOrUndefined(text), retain: packet.retain, packet });
    });
  }

  /**
   * Connects and subscribes (QoS 1). `persistent`: a session under that client id which the broker
   * keeps, so QoS 1 messages published while this client is away (the broker restarting) are queued
   * for it and arrive when it is back.
   */
  static async connect(url: string, filters: string[], options: { persistent?: string } = {}): Promise<Subscriber> {
    // A persistent session is an MQTT 3.1.1 one (clean session 0, §3.1.2.4): kept until the client comes back.
    const session = options.persistent
      ? { clientId: options.persistent, clean: false, protocolVersion: 4 as const }
      : { clean: true, protocolVersion: 5 as const };
    const client = await connectAsync(url, { reconnectPeriod: 200, ...session });
    const subscriber = new Subscriber(client);
    if (filters.length > 0) await client.subscribeAsync(filters, { qos: 1 });
    return subscriber;
  }

  on(topic: string): Seen[] {
    return this.seen.filter((message) => message.topic === topic);
  }

  json<T = Record<string, unknown>>(topic: string): T[] {
    return this.on(topic).map((message) => {
      if (message.parsed === undefined) throw new Error(`a message on ${topic} is not JSON: ${message.text.slice(0, 200)}`);
      return message.parsed as T;
    });
  }

  last<T = Record<string, unknown>>(topic: string): T | undefined {
    return this.json<T>(topic).at(-1);
  }

  publish(topic: string, payload: string, options: IClientPublishOptions = { qos: 1 }): Promise<unknown> {
    return this.client.publishAsync(topic, payload, options);
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
