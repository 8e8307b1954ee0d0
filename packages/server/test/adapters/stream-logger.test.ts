import { describe, expect, it } from 'vitest';
import { streamLogger } from '../../src/index.js';
import { testApp, testSettings, TOKEN } from '../support/test-app.js';

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

describe('redaction in request lines', () => {
  const line = (message: string, fields?: Record<string, unknown>) => {
    const lines: string[] = [];
    streamLogger({ level: 'debug', write: (l) => lines.push(l) }).log('debug', message, fields);
    return lines[0]!;
  };

  it.each([
    ['GET /?action=hangup&token=secret-token-value-123 403', 'debug GET /?action=hangup&token=[redacted] 403 peer=127.0.0.1\n'],
    ['GET /?token=secret-token-value-123 401', 'debug GET /?token=[redacted] 401 peer=127.0.0.1\n'],
    ['GET /?token=secret-token-value-123&action=answer 200', 'debug GET /?token=[redacted]&action=answer 200 peer=127.0.0.1\n'],
    ['GET /?action=dtmf&TOKEN=secret-token-value-123#frag 400', 'debug GET /?action=dtmf&TOKEN=[redacted]#frag 400 peer=127.0.0.1\n'],
    ['GET /?a=1&%74oken=secret-token-value-123\t429', 'debug GET /?a=1&%74oken=[redacted]\t429 peer=127.0.0.1\n'],
    ['GET /?a=1&token= 401', 'debug GET /?a=1&token=[redacted] 401 peer=127.0.0.1\n'],
    ['GET /?a=1&token=secret-token-value-123', 'debug GET /?a=1&token=[redacted] peer=127.0.0.1\n'],
    ['GET /api/v1/events?token=secret-token-value-123 200', 'debug GET /api/v1/events?token=[redacted] 200 peer=127.0.0.1\n'],
  ])('%j keeps what follows the value', (message, expected) => {
    expect(line(message, { peer: '127.0.0.1' })).toBe(expected);
  });

  it('masks URL passwords and bearer credentials in messages and fields, JSON lines too', () => {
    const text = line('delivery failed: redirect to http://bob:hunter2@crm.example.com/', { error: 'sent Authorization: Bearer abc.def' });
    expect(text).toBe('debug delivery failed: redirect to http://bob:***@crm.example.com/ error=sent Authorization: Bearer ***\n');
    const lines: string[] = [];
    streamLogger({ json: true, write: (l) => lines.push(l) }).log('warn', 'registering sip:303:hunter2@pbx.example.com failed');
    expect(lines[0]).toContain('sip:303:***@pbx.example.com');
    expect(lines[0]).not.toContain('hunter2');
  });
});

describe('the --verbose request line of a real request', () => {
  it('reads …&token=[redacted] <status> peer=…', async () => {
    const lines: string[] = [];
    const t = await testApp(testSettings({ token: TOKEN, allowFrom: ['10.0.0.0/8'] }), {
      logger: streamLogger({ level: 'debug', write: (l) => lines.push(l) }),
    });
    try {
      await t.app.inject({ url: `/?action=hangup&token=${TOKEN}`, remoteAddress: '127.0.0.1' });
      await t.app.inject({ url: `/?action=hangup&token=${TOKEN}`, remoteAddress: '10.1.2.3' });
      await t.app.inject({ url: '/?action=hangup&token=wrong-token-value-0000', remoteAddress: '10.1.2.3' });
    } finally {
      await t.close();
    }
    const requests = lines.filter((l) => l.startsWith('debug GET'));
    expect(requests).toEqual([
      'debug GET /?action=hangup&token=[redacted] 403 peer=127.0.0.1\n',
      'debug GET /?action=hangup&token=[redacted] 404 peer=10.1.2.3\n',
      'debug GET /?action=hangup&token=[redacted] 401 peer=10.1.2.3\n',
    ]);
  });
});
