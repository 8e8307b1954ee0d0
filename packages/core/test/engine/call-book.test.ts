import { describe, expect, it } from 'vitest';
import { CallBook } from '../../src/engine/call-book.js';

/** Creates call `n` on line `default` (line call id `c<n>`, GUID `g<n>`) and ends it when `end`. */
function addCall(book: CallBook, n: number, end = true): void {
  book.create(`c${n}`, {
    guid: `g${n}`,
    lineId: 'default',
    direction: 'inbound',
    at: n,
    localParty: '303',
    localName: null,
    remoteParty: `10${n}`,
    remoteName: null,
  });
  if (end) book.apply('default', `c${n}`, { type: 'ended', at: n + 1, by: 'remote', cause: 'normal' });
}

describe('CallBook history', () => {
  it('keeps the newest ended calls up to its limit, newest first, and finds each of them by GUID', () => {
    const book = new CallBook(3);
    for (let n = 1; n <= 5; n++) addCall(book, n);
    expect(book.recentCalls().map((call) => call.guid)).toEqual(['g5', 'g4', 'g3']);
    expect(book.get('g3')?.phase).toBe('ended');
    expect(book.get('g5')?.remoteParty).toBe('105');
    // The oldest ones are gone, from the list and from look-ups alike.
    expect(book.get('g2')).toBeUndefined();
    expect(book.get('g1')).toBeUndefined();
  });

  it('answers an active call before it ends and the ended state after, and forgets its line call id', () => {
    const book = new CallBook(2);
    addCall(book, 1, false);
    expect(book.get('g1')?.phase).toBe('ringing');
    expect(book.guidOf('default', 'c1')).toBe('g1');
    book.apply('default', 'c1', { type: 'ended', at: 2, by: 'remote', cause: 'normal' });
    expect(book.get('g1')?.phase).toBe('ended');
    expect(book.guidOf('default', 'c1')).toBeUndefined();
    expect(book.activeCalls()).toEqual([]);
    expect(book.recentCalls().map((call) => call.guid)).toEqual(['g1']);
  });
});
