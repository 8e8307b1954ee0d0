import type { CallSnapshot, Engine, EngineEvent, Logger } from '@callhook/core';
import { discoveryMessages, HA_STATUS_TOPIC, qualityDiscoveryMessages } from './home-assistant.js';
import { qualityMessage, showsQuality, type LineQualityMessage } from './line-quality.js';
import { lastMissed, lineState, type LastMissedMessage } from './line-state.js';
import type { MqttConnection } from './mqtt-connection.js';
import { OFFLINE, ONLINE, type Topics } from './topics.js';

/**
 * Keeps the retained topics current: each line's state, availability, last missed call and call
 * quality, this instance's availability, and (opt-in) the Home Assistant discovery configs. They are
 * last values, not a log: each goes out when it changes and all of them again on every connect (and
 * when Home Assistant announces itself on `homeassistant/status`), so a broker that lost them gets them
 * back. Quality follows the engine's `quality` events (one per RTCP interval per connected call) and
 * the final figures at `ended`; a message whose rounded figures did not change is not sent again.
 */
export class StatePublisher {
  /** What each retained topic last carried, so an unchanged value is not published again. */
  private readonly sent = new Map<string, string>();
  private readonly missed = new Map<string, LastMissedMessage>();
  /** Per line: the quality message its topic shows (see `showsQuality`). */
  private readonly quality = new Map<string, LineQualityMessage>();
  private readonly announced = new Set<string>();
  private readonly announcedQuality = new Set<string>();
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
        this.announcedQuality.clear();
        if (this.options.homeAssistant) this.subscribeHomeAssistant();
        this.publishAll();
      }),
    );
    this.offs.push(
      this.connection.onMessage(({ topic, payload }) => {
        if (this.options.homeAssistant && topic === HA_STATUS_TOPIC && payload.toString() === ONLINE) {
          this.sent.clear(); // Home Assistant (re)started: it wants every config and state again
          this.announced.clear();
          this.announcedQuality.clear();
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
    this.publishQuality(lineId);
  }

  private publishQuality(lineId: string): void {
    const quality = this.quality.get(lineId);
    if (!quality) return;
    this.announceQuality(lineId);
    this.put(this.topics.quality(lineId), JSON.stringify(quality));
  }

  /** Takes a call's quality for its line's topic when `showsQuality` says so; true when it did. */
  private takeQuality(call: CallSnapshot): boolean {
    const next = qualityMessage(call);
    if (!next) return false;
    const stateCall = lineState(call.lineId, this.engine.activeCalls()).callGuid;
    if (!showsQuality(this.quality.get(call.lineId), next, stateCall)) return false;
    this.quality.set(call.lineId, next);
    return true;
  }

  private onEngineEvent(event: EngineEvent): void {
    if (event.type === 'quality') {
      if (this.takeQuality(event.call)) this.publishQuality(event.call.lineId);
      return;
    }
    if (event.type === 'line') {
      this.publishLine(event.lineId);
      return;
    }
    if (event.type !== 'call') return;
    const missed = event.call.state === 'ended' ? lastMissed(event.call) : null;
    if (missed) this.missed.set(event.call.lineId, missed);
    if (event.call.state === 'ended') this.takeQuality(event.call); // the final figures
    this.publishLine(event.call.lineId);
  }

  private announce(lineId: string): void {
    if (!this.options.homeAssistant || this.announced.has(lineId) || !this.connection.connected) return;
    this.announced.add(lineId);
    const kind = this.engine.lines.get(lineId)?.kind ?? 'phone';
    for (const message of discoveryMessages(this.topics, lineId, kind)) this.put(message.topic, JSON.stringify(message.payload));
  }

  /** The quality sensors of a line, once it has quality to show (lines without real media never do). */
  private announceQuality(lineId: string): void {
    if (!this.options.homeAssistant || this.announcedQuality.has(lineId) || !this.connection.connected) return;
    this.announcedQuality.add(lineId);
    const kind = this.engine.lines.get(lineId)?.kind ?? 'phone';
    for (const message of qualityDiscoveryMessages(this.topics, lineId, kind)) this.put(message.topic, JSON.stringify(message.payload));
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
