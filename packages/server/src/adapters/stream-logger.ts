import type { Logger, LogLevel } from '@callhook/core';
import { redactFields, redactText } from './redact.js';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface StreamLoggerOptions {
  level?: LogLevel;
  /** One JSON object per line instead of `level message key=value`. */
  json?: boolean;
  write?: (line: string) => void;
}

/** Core's Logger on a text stream (stderr by default), with tokens and credentials redacted from every line (`redactText`). */
export function streamLogger(options: StreamLoggerOptions = {}): Logger {
  const min = RANK[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  return {
    enabled: (level) => RANK[level] >= min,
    log(level, message, fields) {
      if (RANK[level] < min) return;
      const safe = fields ? redactFields(fields) : {};
      if (options.json) {
        write(`${JSON.stringify({ time: new Date().toISOString(), level, message: redactText(message), ...safe })}\n`);
        return;
      }
      const extra = Object.entries(safe).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
      write(`${level} ${redactText(message)}${extra.length ? ` ${extra.join(' ')}` : ''}\n`);
    },
  };
}
