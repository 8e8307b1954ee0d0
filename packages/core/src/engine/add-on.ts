import type { DeliverySink } from '../dispatch/delivery-sink.js';
import type { Clock, Logger, Random } from '../ports.js';
import type { LoadedSettings } from '../settings/load-settings.js';
import type { Engine, EventDeliveries } from './engine.js';

/** How an add-on's connection stands, for `/healthz`: `up` (connected), `down` (trying again), `stopped`. */
export interface AddOnHealth {
  state: 'up' | 'down' | 'stopped';
  /** One line: where it is connected, or why not (credentials masked). */
  detail: string;
}

/**
 * A part that runs beside the engine (e.g. the MQTT bridge): it adds delivery sinks and per-event
 * deliveries before the engine is built, starts after the engine started and stops after the engine
 * stopped (so the engine's drain can still use its sinks).
 */
export interface EngineAddOn {
  readonly name: string;
  readonly sinks: readonly DeliverySink[];
  readonly eventDeliveries: readonly EventDeliveries[];
  /** Starts its own work (connections, subscriptions); must not reject for a peer that is down (it keeps trying). */
  start(engine: Engine): Promise<void>;
  stop(): Promise<void>;
  health(): AddOnHealth;
}

/** What an add-on is built from. */
export interface AddOnContext {
  settings: LoadedSettings;
  clock: Clock;
  random: Random;
  logger: Logger;
}

/** An edition's entry for an add-on: `create` returns null when the settings do not ask for it. */
export interface AddOnPlugin {
  readonly name: string;
  /**
   * Loads what `create` needs for `settings` (an add-on whose code stays out of start-up unless the
   * settings ask for it); the host awaits it before `create`. Absent: `create` needs nothing loaded.
   */
  load?(settings: LoadedSettings): Promise<void>;
  create(context: AddOnContext): EngineAddOn | null;
}
