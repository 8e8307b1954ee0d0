import type { InboundAction } from '../settings/settings-schema.js';

export type InboundCommand =
  | { action: 'make_call'; target: string; force: boolean }
  | { action: 'answer' | 'hangup' | 'hold' | 'unhold'; call: string | null }
  | { action: 'transfer'; target: string; call: string | null }
  | { action: 'dtmf'; digits: string; call: string | null };

export type CommandOf<A extends InboundAction> = Extract<InboundCommand, { action: A }>;
