import type { DeliveryRecord, Engine, LineStatus, Logger } from '@callhook/core';

const GOOD = new Set(['delivered', 'opened']);

/** `https://crm.example.com/hook` of a delivery URL: no query (it may carry keys), no credentials. */
export function whereTo(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return 'an unparsable URL';
  }
}

/** Why an attempt failed, in words: `HTTP 503`, `no answer within the timeout`, `connect ECONNREFUSED …`. */
function reasonOf(record: DeliveryRecord): string {
  switch (record.outcome) {
    case 'http_error':
      return `the receiver answered HTTP ${record.status ?? '?'}`;
    case 'timeout':
      return 'no answer within the slot timeout';
    case 'dropped':
      return `dropped${record.error ? ` (${record.error})` : ''}`;
    default:
      return record.error ?? record.outcome.replace('_', ' ');
  }
}

/** One log line for a delivery attempt that did not get through; null for one that did. */
export function deliveryLine(record: DeliveryRecord): { level: 'info' | 'warn'; message: string } | null {
  if (GOOD.has(record.outcome)) return null;
  const what = `Action URL ${record.slot + 1} (${record.action}) to ${whereTo(record.url)}`;
  if (!record.final) return { level: 'info', message: `${what}: attempt ${record.attempt} failed (${reasonOf(record)}); retrying` };
  const attempts = record.attempt === 1 ? '1 attempt' : `${record.attempt} attempts`;
  return { level: 'warn', message: `${what} failed after ${attempts}: ${reasonOf(record)}; see the console's Deliveries page to replay it` };
}

const TROUBLE = new Set<LineStatus['state']>(['failed', 'unregistered']);

/**
 * Writes what an operator needs to know, in plain words, at info/warn: delivery attempts that failed
 * (and the final failure), a line that fails to register or loses its registration, and its recovery.
 * Returns the unsubscribe function.
 */
export function logOperations(engine: Pick<Engine, 'on'>, logger: Logger): () => void {
  const troubled = new Set<string>();
  return engine.on((event) => {
    if (event.type === 'delivery') {
      const line = deliveryLine(event.record);
      if (line) logger.log(line.level, line.message, { deliveryId: event.record.deliveryId });
      return;
    }
    if (event.type !== 'line') return;
    const { lineId, status } = event;
    if (TROUBLE.has(status.state)) {
      const what = status.state === 'failed' ? 'could not register' : 'is not registered';
      logger.log('warn', `line "${lineId}" ${what}: ${status.detail}; calls on it will fail until it registers`, { line: lineId });
      troubled.add(lineId);
    } else if (status.state === 'ready' && troubled.delete(lineId)) {
      logger.log('info', `line "${lineId}" is registered again: ${status.detail}`, { line: lineId });
    }
  });
}
