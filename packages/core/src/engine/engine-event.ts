import type { Action } from '../actions.js';
import type { CallSnapshot } from '../call/snapshot.js';
import type { DeliveryRecord } from '../dispatch/delivery.js';
import type { LineStatus } from '../line/line-events.js';

/** What the engine reports to live views (server-sent events, desktop IPC, logs). */
export type EngineEvent =
  | { type: 'call'; action: Action; call: CallSnapshot; at: number }
  | { type: 'delivery'; record: DeliveryRecord }
  | { type: 'line'; lineId: string; status: LineStatus };
