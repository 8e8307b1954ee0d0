import { hostname } from 'node:os';
import type { AddOnPlugin, Clock, EngineAddOn, Engine, Logger, MqttSettings } from '@callhook/core';
import { CommandSubscriber } from './command-subscriber.js';
import { MQTT_MODE, mqttEventDeliveries } from './event-deliveries.js';
import { MqttConnection } from './mqtt-connection.js';
import { mqttSink } from './mqtt-sink.js';
import { StatePublisher } from './state-publisher.js';
import { Topics } from './topics.js';

/** The client id when the settings name none: `callhook-<host name>` (one instance per host; give others their own). */
export function defaultClientId(host: string = hostname()): string {
  const name = host.replace(/[^A-Za-z0-9_.:-]/g, '-').slice(0, 100);
  return `callhook-${name || 'host'}`;
}

/** Options of the add-on beyond the settings (tests: a short reconnect period). */
export interface MqttAddOnOptions {
  reconnectPeriodMs?: number;
}

/**
 * The MQTT add-on of an edition: when the settings have `mqtt`, one broker connection carries the
 * `mqtt` delivery sink (call events through the outbox), the retained state topics (and Home
 * Assistant discovery when `homeAssistant`), and the command subscription. It starts after the
 * engine (the outbox's deliveries wait for the connection) and stops after it (the drain can still
 * publish); a broker that is down delays messages, it never stops callhook.
 */
export function mqttAddOn(options: MqttAddOnOptions = {}): AddOnPlugin {
  return {
    name: 'mqtt',
    create({ settings, logger, clock }) {
      const mqtt = settings.settings.mqtt;
      return mqtt ? new MqttBridge(mqtt, { logger, clock }, options) : null;
    },
  };
}

class MqttBridge implements EngineAddOn {
  readonly name = 'mqtt';
  readonly sinks;
  readonly eventDeliveries = [mqttEventDeliveries];
  private readonly connection: MqttConnection;
  private readonly topics: Topics;
  private state: StatePublisher | null = null;
  private commands: CommandSubscriber | null = null;
  private stopRetryOnConnect: (() => void) | null = null;

  private readonly logger: Logger;

  constructor(
    private readonly settings: MqttSettings,
    ports: { logger: Logger; clock: Clock },
    options: MqttAddOnOptions,
  ) {
    this.logger = ports.logger;
    const clientId = settings.clientId ?? defaultClientId();
    this.topics = new Topics(settings.topicPrefix, clientId);
    this.connection = new MqttConnection({
      settings,
      clientId,
      willTopic: this.topics.instanceAvailability(),
      logger: ports.logger,
      clock: ports.clock,
      reconnectPeriodMs: options.reconnectPeriodMs,
    });
    this.sinks = [mqttSink(this.connection)];
  }

  async start(engine: Engine): Promise<void> {
    this.state = new StatePublisher(this.connection, this.topics, engine, {
      qos: this.settings.qos,
      homeAssistant: this.settings.homeAssistant,
      logger: this.logger,
    });
    this.commands = new CommandSubscriber(this.connection, this.topics, engine, this.logger);
    this.state.start();
    this.commands.start();
    // Events that failed while the broker was away go out as soon as it is back, not after their back-off.
    this.stopRetryOnConnect = this.connection.onConnect(() => engine.dispatcher.retryNow(MQTT_MODE));
    this.connection.start();
  }

  async stop(): Promise<void> {
    const farewell = this.state?.farewell() ?? [];
    this.stopRetryOnConnect?.();
    this.commands?.stop();
    this.state?.stop();
    await this.connection.end(farewell);
  }

  health() {
    return this.connection.status();
  }
}
