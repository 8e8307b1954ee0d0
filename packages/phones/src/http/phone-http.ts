import type { Clock } from '@callhook/core';
import digestAuthHeader from 'digest-header';
import { request, type Dispatcher } from 'undici';

/** One answer of the phone's web server. */
export interface PhoneResponse {
  status: number;
  /** The body as text (at most 64 KiB are kept). */
  body: string;
  /** The `Location` header of a redirect, if any (never followed). */
  location: string | null;
}

/** Why a request to the phone did not get an answer: `unreachable` (network error), `timeout`. */
export class PhoneUnreachable extends Error {
  constructor(
    readonly reason: 'unreachable' | 'timeout',
    message: string,
  ) {
    super(message);
    this.name = 'PhoneUnreachable';
  }
}

export interface PhoneHttpOptions {
  /** The phone's base URL, `http(s)://host[:port]`. */
  baseUrl: string;
  username: string;
  password: string;
  clock: Clock;
  /** Bound of one request, headers and body (ms). */
  timeoutMs?: number;
  /** Shared connection pool; absent: undici's global one. */
  dispatcher?: Dispatcher;
}

const MAX_BODY = 64 * 1024;

/**
 * GETs on a desk phone's web server with its admin login: HTTP Basic first; when the phone
 * challenges with `WWW-Authenticate: Digest` (Snom with "Authentication Scheme" on, RFC 2617 MD5)
 * the request is sent again with a Digest answer built by the `digest-header` library, and the
 * phone is remembered as digest-only. Redirects are returned, never followed (Snom answers a dial
 * with 302 → index.htm). Credentials never appear in errors. Each request goes on a connection of
 * its own, closed after the answer (RFC 9112 §9.6 `Connection: close`): nothing idles between a
 * line's requests, which come seconds apart.
 */
export class PhoneHttp {
  private digest = false;
  private readonly timeoutMs: number;

  constructor(private readonly options: PhoneHttpOptions) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  /** GETs `pathAndQuery` (starting with `/`). Rejects with `PhoneUnreachable` only; any status resolves. */
  async get(pathAndQuery: string): Promise<PhoneResponse> {
    let challenge: string | null = null;
    if (this.digest) {
      const first = await this.send(pathAndQuery, {});
      if (first.status !== 401) return first;
      challenge = first.challenge;
    } else {
      const basic: Record<string, string> =
        this.options.username || this.options.password
          ? { authorization: `Basic ${Buffer.from(`${this.options.username}:${this.options.password}`).toString('base64')}` }
          : {};
      const first = await this.send(pathAndQuery, basic);
      if (first.status !== 401 || !first.challenge || !/^\s*digest\b/i.test(first.challenge)) return first;
      challenge = first.challenge;
      this.digest = true;
    }
    if (!challenge) return { status: 401, body: '', location: null };
    const authorization = digestAuthHeader('GET', pathAndQuery, challenge, `${this.options.username}:${this.options.password}`);
    if (!authorization) return { status: 401, body: 'the phone sent a Digest challenge without realm or nonce', location: null };
    return this.send(pathAndQuery, { authorization });
  }

  private async send(pathAndQuery: string, headers: Record<string, string>): Promise<PhoneResponse & { challenge: string | null }> {
    const controller = new AbortController();
    const timer = this.options.clock.setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const answer = await request(`${this.options.baseUrl}${pathAndQuery}`, {
        method: 'GET',
        headers,
        signal: controller.signal,
        // One connection per request, closed after the answer (`Connection: close`): a line asks its
        // phone every 30 s or on a command, so a kept-alive socket idled out (undici's 4 s) before any
        // reuse — at 1,000 phones that was 1,000 idle sockets, each expiring on a timer with an error.
        reset: true,
        ...(this.options.dispatcher ? { dispatcher: this.options.dispatcher } : {}),
      });
      let body = '';
      for await (const chunk of answer.body) {
        if (body.length < MAX_BODY) body += (chunk as Buffer).toString('utf8');
      }
      const header = (name: string): string | null => {
        const value = answer.headers[name];
        return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
      };
      return { status: answer.statusCode, body: body.slice(0, MAX_BODY), location: header('location'), challenge: header('www-authenticate') };
    } catch (error) {
      if (controller.signal.aborted) throw new PhoneUnreachable('timeout', `no answer from the phone at ${this.options.baseUrl} within ${this.timeoutMs} ms`);
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).name;
      throw new PhoneUnreachable('unreachable', `cannot reach the phone at ${this.options.baseUrl} (${code})`);
    } finally {
      this.options.clock.clearTimeout(timer);
    }
  }
}
