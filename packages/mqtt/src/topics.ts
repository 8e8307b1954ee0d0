/**
 * The topic layout under `mqtt.topicPrefix` (docs/deployment-mqtt.md). Line ids are `[a-z0-9_-]`, so
 * they are always one valid topic level (MQTT 3.1.1 §4.7: no `/`, `+` or `#`).
 *
 * - `<prefix>/<line>/events`: one JSON message per call event (through the outbox, not retained).
 * - `<prefix>/<line>/state`: the line's current state (retained).
 * - `<prefix>/<line>/last_missed`: the last missed call on the line (retained).
 * - `<prefix>/<line>/availability`: `online` while the line is ready, else `offline` (retained).
 * - `<prefix>/<line>/quality`: the media quality of the line's call, live while it is up, final once it ended (retained).
 * - `<prefix>/<line>/command`: commands in; results on the MQTT 5 response topic, else `<prefix>/<line>/command/result`.
 * - `<prefix>/instance/<client id>/availability`: `online`, or `offline` as this instance's last will (retained).
 */
export class Topics {
  constructor(
    readonly prefix: string,
    readonly clientId: string,
  ) {}

  events(lineId: string): string {
    return `${this.prefix}/${lineId}/events`;
  }

  state(lineId: string): string {
    return `${this.prefix}/${lineId}/state`;
  }

  lastMissed(lineId: string): string {
    return `${this.prefix}/${lineId}/last_missed`;
  }

  quality(lineId: string): string {
    return `${this.prefix}/${lineId}/quality`;
  }

  lineAvailability(lineId: string): string {
    return `${this.prefix}/${lineId}/availability`;
  }

  /** The subscription for commands to every line (`+`: one level, MQTT 3.1.1 §4.7.1.3). */
  commandFilter(): string {
    return `${this.prefix}/+/command`;
  }

  commandResult(lineId: string): string {
    return `${this.prefix}/${lineId}/command/result`;
  }

  /** The line id a command topic names, or null when `topic` is no command topic of this prefix. */
  commandLine(topic: string): string | null {
    const head = `${this.prefix}/`;
    if (!topic.startsWith(head) || !topic.endsWith('/command')) return null;
    const line = topic.slice(head.length, -'/command'.length);
    return line.length > 0 && !line.includes('/') ? line : null;
  }

  /** This instance's availability: its last will says `offline` when the connection dies (MQTT 3.1.1 §3.1.2.5). */
  instanceAvailability(): string {
    return `${this.prefix}/instance/${this.clientId}/availability`;
  }
}

export const ONLINE = 'online';
export const OFFLINE = 'offline';
