import { describe, expect, it } from 'vitest';
import { CallhookError, ExpectedError, parseInboundRequest } from '../src/index.js';

describe('typed errors', () => {
  it('carry a code and details but no stack frames (they answer bad input, not bugs)', () => {
    const error = new CallhookError('bad_request', 'missing "action"', { field: 'action' });
    expect(error).toBeInstanceOf(ExpectedError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('bad_request');
    expect(error.details).toEqual({ field: 'action' });
    expect(error.stack ?? '').not.toMatch(/\n\s+at /);
  });

  it('leave stack traces of other errors alone', () => {
    expect(() => parseInboundRequest('/?action=explode')).toThrow(CallhookError);
    expect(new Error('bug').stack).toMatch(/\n\s+at /);
  });
});
