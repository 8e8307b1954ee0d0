import type { Engine, Logger } from '@callhook/core';
import { LINE_ID_PATTERN } from '@callhook/core';
import { handleCommand } from './command-handler.js';
import type { IncomingMessage, MqttConnection } from './mqtt-connection.js';
import type { Topics } from './topics.js';

/**
 * Takes commands from `<prefix>/+/command` and publishes each result: to the MQTT 5 response topic
 * with the request's correlation data when the command carried one (MQTT 5.0 §4.10), else to
 * `<prefix>/<line>/command/result`. Subscribes again on every connect (the session is clean).
 */
export class CommandSubscriber {
  private readonly offs: (() => void)[] = [];

  constructor(
    private readonly connection: MqttConnection,
    private readonly topics: Topics,
    private readonly engine: Engine,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.offs.push(this.connection.onConnect(() => this.subscribe()));
    this.offs.push(this.connection.onMessage((message) => this.onMessage(message)));
    if (this.connection.connected) this.subscribe();
  }

  stop(): void {
    this.offs.splice(0).forEach((off) => off());
  }

  private subscribe(): void {
    this.connection.subscribe(this.topics.commandFilter(), 1).catch((error: unknown) => {
      this.logger.log('error', `MQTT: could not subscribe to ${this.topics.commandFilter()}: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  private onMessage({ topic, payload, packet }: IncomingMessage): void {
    const lineId = this.topics.commandLine(topic);
    if (lineId === null) return;
    if (!LINE_ID_PATTERN.test(lineId)) {
      this.logger.log('warn', `MQTT command ignored: "${lineId.slice(0, 40)}" in ${topic.slice(0, 200)} is no line id`);
      return;
    }
    const responseTopic = packet.properties?.responseTopic;
    const correlationData = packet.properties?.correlationData;
    void handleCommand(this.engine, lineId, payload, this.logger).then((reply) => {
      const to = responseTopic && !/[+#]/.test(responseTopic) ? responseTopic : this.topics.commandResult(lineId);
      const properties = correlationData ? { correlationData, contentType: 'application/json' } : { contentType: 'application/json' };
      return this.connection.publish(to, JSON.stringify(reply), { qos: 1, properties }).catch((error: unknown) => {
        this.logger.log(
          'warn',
          `MQTT: the result of a command on line "${lineId}" was not published: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
    });
  }
}
