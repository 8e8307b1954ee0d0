import { describe, expect, it } from 'vitest';
import { ReplyPaths } from '../src/transport/reply-paths.js';

describe('ReplyPaths', () => {
  function paths(limit = 100) {
    const clock = { at: 0, now: () => clock.at };
    return { clock, replies: new ReplyPaths<string>(limit, { maxAgeMs: 32_000, clock }) };
  }

  it('keeps the path of a request waiting for its final response however long it waits', () => {
    const { clock, replies } = paths();
    replies.received('z9hG4bK-ring INVITE', 'caller');
    clock.at = 180_000; // rang three minutes
    expect(replies.forResponse('z9hG4bK-ring INVITE', 180)).toBe('caller');
    clock.at = 600_000;
    expect(replies.forResponse('z9hG4bK-ring INVITE', 200)).toBe('caller');
  });

  it('forgets a path 64×T1 after its last final response, and a repeated final response restarts that', () => {
    const { clock, replies } = paths();
    replies.received('z9hG4bK-a BYE', 'peer');
    expect(replies.forResponse('z9hG4bK-a BYE', 200)).toBe('peer');
    clock.at = 20_000;
    expect(replies.forResponse('z9hG4bK-a BYE', 200)).toBe('peer'); // repeated to a retransmitted BYE
    clock.at = 51_000;
    expect(replies.forResponse('z9hG4bK-a BYE', 200)).toBe('peer');
    clock.at = 84_000;
    expect(replies.forResponse('z9hG4bK-a BYE', 200)).toBeUndefined();
  });

  it('leaves a retransmitted request that was answered among the answered, so it is forgotten in time', () => {
    const { clock, replies } = paths();
    replies.received('z9hG4bK-b INVITE', 'caller');
    replies.forResponse('z9hG4bK-b INVITE', 200);
    clock.at = 10_000;
    replies.received('z9hG4bK-b INVITE', 'caller'); // absorbed by the stack in Accepted (RFC 6026): no response
    clock.at = 43_000;
    expect(replies.forResponse('z9hG4bK-b INVITE', 200)).toBeUndefined();
  });

  it('at steady load holds rate × 64×T1 answered paths, not its count bound', () => {
    const { clock, replies } = paths(10_000);
    // 200 requests a second (an INVITE and a BYE per call at 100 calls/s), each answered at once, for 200 s.
    for (let i = 0; i < 40_000; i++) {
      clock.at = i * 5;
      replies.received(`z9hG4bK-${i} BYE`, `peer-${i}`);
      replies.forResponse(`z9hG4bK-${i} BYE`, 200);
    }
    expect(replies.forResponse('z9hG4bK-33599 BYE', 200)).toBe('peer-33599');
    expect(replies.forResponse('z9hG4bK-33598 BYE', 200)).toBeUndefined();
  });
});
