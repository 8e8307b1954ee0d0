import type { Action } from '../actions.js';
import type { CallSnapshot } from '../call/snapshot.js';
import type { DeliveryRecord } from '../dispatch/delivery.js';
import type { LineStatus } from '../line/line-events.js';

/** What the engine reports to live views (server-sent events, desktop IPC, logs). `at`: epoch ms. */
export type EngineEvent =
  | { type: 'call'; action: Action; call: CallSnapshot; at: number }
  /**
   * A live call's media quality changed (line event `quality`): `call` is the whole snapshot with the
   * new `call.quality`. Not a call-state change: no Action URL fires and the journal keeps only the
   * final snapshot. `at`: epoch ms of the engine's clock.
   */
  | { type: 'quality'; call: CallSnapshot; at: number }
  | { type: 'delivery'; record: DeliveryRecord }
  | { type: 'line'; lineId: string; status: LineStatus };
