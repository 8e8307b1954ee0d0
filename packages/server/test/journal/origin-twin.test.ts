import { originOf as coreOriginOf } from '@callhook/core';
import { describe, expect, it } from 'vitest';
import { originOf as storedOriginOf } from '../../src/journal/outbox-seal.js';

// The journal worker keys parked outbox entries by origin with its own copy of core's rule (it is plain
// JavaScript and cannot import core). When the two disagree, entries parked under one key are never read
// back under the other: an MQTT storm once stalled with 718 deliveries stuck that way.
describe('the outbox origin key', () => {
  const cases = [
    { mode: 'http', url: 'https://crm.example.com/hook?x=1' },
    { mode: 'http', url: 'http://CRM.example.com:80/a' },
    { mode: 'http', url: 'not a url' },
    { mode: 'browser', url: 'https://crm.example.com/card' },
    { mode: 'mqtt', url: 'mqtt:' },
    { mode: 'mqtt', url: 'callhook/desk-12/events' },
    { mode: 'custom-sink', url: 'https://example.com/' },
  ];
  it.each(cases)('is the same in core and in the journal worker for $mode $url', (delivery) => {
    expect(storedOriginOf(delivery)).toBe(coreOriginOf(delivery));
  });
});
