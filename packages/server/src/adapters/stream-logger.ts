import type { Logger, LogLevel } from '@callhook/core';
import { redactFields, redactUrl } from './redact.js';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface StreamLoggerOptions {
  level?: LogLevel;
  /** One JSON object per line instead of `level message key=value`. */
  json?: boolean;
  write?: (line: string) => void;
}

/** Core's Logger on a text stream (stderr by default), with tokens redacted from every line. */
export function streamLogger(options: StreamLoggerOptions = {}): Logger {
  const min = RANK[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  return {
    enabled: (level) => RANK[level] >= min,
    log(level, message, fields) {
      if (RANK[level] < min) return;
      const safe = fields ? redactFields(fields) : {};
      if (options.json) {
        write(`${JSON.stringify({ time: new Date().toISOString(), level, message: redactUrl(message), ...safe })}\n`);
        return;
      }
      const extra = Object.entries(safe).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
      write(`${level} ${redactUrl(message)}${extra.length ? ` ${extra.join(' ')}` : ''}\n`);
    },
  };
}
