import { BoundedMap, type BoundedMapMaxAge } from './bounded-map.js';

/**
 * Where the responses to received requests go, by transaction key (top Via branch + CSeq method). A path
 * is kept while its request waits for a final response — however long a call rings — and for `maxAgeMs`
 * after its last final response, 64×T1 on the line: the longest a server transaction may still repeat that
 * response to a retransmitted request (RFC 3261 §17.2.1 Timer H, §17.2.2 Timer J; RFC 6026 Timer L). So at
 * steady load the answered paths number rate × 32 s, not the count bound, and a quiet line holds none.
 * Both sets are bounded in count as well (`limit` each).
 */
export class ReplyPaths<P> {
  private readonly open: BoundedMap<string, P>;
  private readonly answered: BoundedMap<string, P>;

  constructor(limit: number, afterFinal: BoundedMapMaxAge) {
    this.open = new BoundedMap(limit);
    this.answered = new BoundedMap(limit, afterFinal);
  }

  /** A request arrived on `path` (a retransmission of one already answered stays with the answered ones). */
  received(key: string, path: P): void {
    if (this.answered.has(key)) this.answered.set(key, path);
    else this.open.set(key, path);
  }

  /**
   * The path for a response with `statusCode` to the request `key`, or undefined when it is not known (never
   * received, or forgotten). A final response (≥ 200) starts, or restarts, its request's 64×T1.
   */
  forResponse(key: string, statusCode: number): P | undefined {
    const open = this.open.get(key);
    const path = open ?? this.answered.get(key);
    if (path === undefined || statusCode < 200) return path;
    if (open !== undefined) this.open.delete(key);
    this.answered.set(key, path);
    return path;
  }
}
