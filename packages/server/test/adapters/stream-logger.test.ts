import { describe, expect, it } from 'vitest';
import { streamLogger } from '../../src/index.js';

describe('streamLogger', () => {
  it('writes lines at or above its level, says which levels it writes, and redacts tokens', () => {
    const lines: string[] = [];
    const logger = streamLogger({ level: 'info', write: (line) => lines.push(line) });
    logger.log('debug', 'GET /healthz 200');
    logger.log('warn', 'GET /?action=make_call&token=secret-token-value-123 401');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('secret-token-value-123');
    expect([logger.enabled?.('debug'), logger.enabled?.('info'), logger.enabled?.('error')]).toEqual([false, true, true]);
  });
});
