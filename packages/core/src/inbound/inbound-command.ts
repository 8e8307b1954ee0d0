import type { InboundAction } from '../settings/settings-schema.js';

/**
 * A command for the engine. `line` (optional, `line=` in an inbound Action URL) names the line:
 * `make_call` without it uses the first line; the others look for their call on that line only.
 */
export type InboundCommand =
  | { action: 'make_call'; target: string; force: boolean; line?: string | null }
  | { action: 'answer' | 'hangup' | 'hold' | 'unhold'; call: string | null; line?: string | null }
  | { action: 'transfer'; target: string; call: string | null; line?: string | null }
  | { action: 'dtmf'; digits: string; call: string | null; line?: string | null };

export type CommandOf<A extends InboundAction> = Extract<InboundCommand, { action: A }>;
