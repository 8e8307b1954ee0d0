import { describe, expect, it } from 'vitest';
import { Cancellation } from '../../src/index.js';

describe('Cancellation', () => {
  it('calls the listener once with the reason', () => {
    const cancellation = new Cancellation();
    const reasons: Error[] = [];
    cancellation.onCancel((reason) => reasons.push(reason));
    const first = new Error('timed out');
    cancellation.cancel(first);
    cancellation.cancel(new Error('again'));
    expect(reasons).toEqual([first]);
    expect(cancellation.reason).toBe(first);
  });

  it('calls a listener added after cancelling at once', () => {
    const cancellation = new Cancellation();
    cancellation.cancel(new Error('early'));
    let heard: Error | null = null;
    cancellation.onCancel((reason) => (heard = reason));
    expect(heard).toEqual(new Error('early'));
  });

  it('has no reason until cancelled', () => {
    const cancellation = new Cancellation();
    cancellation.onCancel(() => {
      throw new Error('must not be called');
    });
    expect(cancellation.reason).toBeNull();
  });
});
