import type { Clock, Logger, LogLevel } from '@callhook/core';
import { systemClock } from '@callhook/node';
import { redactFields, redactText } from './redact.js';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface StreamLoggerOptions {
  level?: LogLevel;
  /** One JSON object per line instead of `level message key=value`. */
  json?: boolean;
  write?: (line: string) => void;
  /** Where the `time` of a JSON line comes from (default: the system clock). */
  clock?: Clock;
}

/** Core's Logger on a text stream (stderr by default), with tokens and credentials redacted from every line (`redactText`). */
export function streamLogger(options: StreamLoggerOptions = {}): Logger {
  const min = RANK[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const clock = options.clock ?? systemClock;
  return {
    enabled: (level) => RANK[level] >= min,
    log(level, message, fields) {
      if (RANK[level] < min) return;
      const safe = fields ? redactFields(fields) : {};
      if (options.json) {
        write(`${JSON.stringify({ time: new Date(clock.now()).toISOString(), level, message: redactText(message), ...safe })}\n`);
        return;
      }
      const extra = Object.entries(safe).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
      write(`${level} ${redactText(message)}${extra.length ? ` ${extra.join(' ')}` : ''}\n`);
    },
  };
}
