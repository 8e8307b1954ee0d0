import type { Engine, EngineEvent, Logger } from '@callhook/core';
import { discoveryMessages, HA_STATUS_TOPIC } from './home-assistant.js';
import { lastMissed, lineState, type LastMissedMessage } from './line-state.js';
import type { MqttConnection } from './mqtt-connection.js';
import { OFFLINE, ONLINE, type Topics } from './topics.js';

/**
 * Keeps the retained topics current: each line's state, availability and last missed call, this
 * instance's availability, and (opt-in) the Home Assistant discovery configs. They are last values,
 * not a log: each goes out when it changes and all of them again on every connect (and when Home
 * Assistant announces itself on `homeassistant/status`), so a broker that lost them gets them back.
 */
export class StatePublisher {
  /** What each retained topic last carried, so an unchanged value is not published again. */
  private readonly sent = new Map<string, string>();
  private readonly missed = new Map<string, LastMissedMessage>();
  private readonly announced = new Set<string>();
  private readonly offs: (() => void)[] = [];

  constructor(
    private readonly connection: MqttConnection,
    private readonly topics: Topics,
    private readonly engine: Engine,
    private readonly options: { qos: 0 | 1 | 2; homeAssistant: boolean; logger: Logger },
  ) {}

  start(): void {
    this.offs.push(this.engine.on((event) => this.onEngineEvent(event)));
    this.offs.push(
      this.connection.onConnect(() => {
        this.sent.clear();
        this.announced.clear();
        if (this.options.homeAssistant) this.subscribeHomeAssistant();
        this.publishAll();
      }),
    );
    this.offs.push(
      this.connection.onMessage(({ topic, payload }) => {
        if (this.options.homeAssistant && topic === HA_STATUS_TOPIC && payload.toString() === ONLINE) {
          this.sent.clear(); // Home Assistant (re)started: it wants every config and state again
          this.announced.clear();
          this.publishAll();
        }
      }),
    );
    if (this.connection.connected) this.publishAll();
  }

  stop(): void {
    this.offs.splice(0).forEach((off) => off());
  }

  /** The messages to publish as the connection ends: this instance and each line `offline`. */
  farewell(): { topic: string; payload: string }[] {
    return [
      ...this.engine.lines.entries().map(({ id }) => ({ topic: this.topics.lineAvailability(id), payload: OFFLINE })),
      { topic: this.topics.instanceAvailability(), payload: OFFLINE },
    ];
  }

  private publishAll(): void {
    this.put(this.topics.instanceAvailability(), ONLINE);
    for (const { id } of this.engine.lines.entries()) this.publishLine(id);
  }

  private publishLine(lineId: string): void {
    this.announce(lineId);
    const line = this.engine.lines.get(lineId);
    this.put(this.topics.lineAvailability(lineId), line?.status().state === 'ready' ? ONLINE : OFFLINE);
    this.put(this.topics.state(lineId), JSON.stringify(lineState(lineId, this.engine.activeCalls())));
    const missed = this.missed.get(lineId);
    if (missed) this.put(this.topics.lastMissed(lineId), JSON.stringify(missed));
  }

  private onEngineEvent(event: EngineEvent): void {
    if (event.type === 'line') {
      this.publishLine(event.lineId);
      return;
    }
    if (event.type !== 'call') return;
    const missed = event.call.state === 'ended' ? lastMissed(event.call) : null;
    if (missed) this.missed.set(event.call.lineId, missed);
    this.publishLine(event.call.lineId);
  }

  private announce(lineId: string): void {
    if (!this.options.homeAssistant || this.announced.has(lineId) || !this.connection.connected) return;
    this.announced.add(lineId);
    const kind = this.engine.lines.get(lineId)?.kind ?? 'phone';
    for (const message of discoveryMessages(this.topics, lineId, kind)) this.put(message.topic, JSON.stringify(message.payload));
  }

  private subscribeHomeAssistant(): void {
    this.connection.subscribe(HA_STATUS_TOPIC, 1).catch((error: unknown) => {
      this.options.logger.log('warn', `MQTT: could not subscribe to ${HA_STATUS_TOPIC}: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  /** Publishes a retained value when connected and changed; while offline it waits for the next connect (which publishes all). */
  private put(topic: string, payload: string): void {
    if (!this.connection.connected || this.sent.get(topic) === payload) return;
    this.sent.set(topic, payload);
    this.connection.publish(topic, payload, { qos: this.options.qos, retain: true }).catch((error: unknown) => {
      if (this.sent.get(topic) === payload) this.sent.delete(topic);
      this.options.logger.log('debug', `MQTT: ${topic} not published: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
}
