import type { FetchRequest, FetchResponse, Fetcher } from '@callhook/core';
import { Agent, interceptors, request, type Dispatcher } from 'undici';
import { SIGNATURE_HEADER, signatureHeader } from './signature.js';

export interface UndiciFetcherOptions {
  connectTimeoutMs?: number;
  /** Upper bound per request; the Dispatcher's per-slot timeout normally ends it first. */
  responseTimeoutMs?: number;
  maxRedirects?: number;
  /** Response bodies are read and discarded up to this size, then the connection is dropped. */
  maxBodyBytes?: number;
  /** Connections per origin kept in the keep-alive pool. */
  connectionsPerOrigin?: number;
  /** Extra trusted CA certificates (PEM) for https receivers; certificates are always validated. */
  ca?: string | Buffer | (string | Buffer)[];
  now?: () => number;
}

export const USER_AGENT = 'callhook/0.1';

/** Core's Fetcher on undici: one keep-alive pool, bounded redirects, capped body reads, HMAC signing. */
export class UndiciFetcher implements Fetcher {
  private readonly agent: Agent;
  private readonly dispatcher: Dispatcher;
  private readonly maxBodyBytes: number;
  private readonly now: () => number;

  constructor(options: UndiciFetcherOptions = {}) {
    const responseTimeout = options.responseTimeoutMs ?? 130_000;
    this.agent = new Agent({
      connections: options.connectionsPerOrigin ?? 64,
      keepAliveTimeout: 10_000,
      keepAliveMaxTimeout: 60_000,
      headersTimeout: responseTimeout,
      bodyTimeout: responseTimeout,
      connect: { timeout: options.connectTimeoutMs ?? 5_000, ca: options.ca, rejectUnauthorized: true },
    });
    const redirects = options.maxRedirects ?? 3;
    this.dispatcher = redirects > 0 ? this.agent.compose(interceptors.redirect({ maxRedirections: redirects })) : this.agent;
    this.maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
    this.now = options.now ?? Date.now;
  }

  async fetch(req: FetchRequest): Promise<FetchResponse> {
    const headers: Record<string, string> = { 'user-agent': USER_AGENT, ...req.headers };
    if (req.signingSecret) {
      headers[SIGNATURE_HEADER] = signatureHeader(req.signingSecret, req.body ?? '', Math.floor(this.now() / 1000));
    }
    const response = await request(req.url, {
      method: req.method,
      headers,
      body: req.body,
      signal: req.signal,
      dispatcher: this.dispatcher,
    });
    await this.drain(response.body);
    return { status: response.statusCode };
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  /** Reading the body to its end lets the connection go back to the pool; past the cap it is dropped. */
  private async drain(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<void> {
    let size = 0;
    for await (const chunk of body) {
      size += chunk.length;
      if (size > this.maxBodyBytes) {
        body.destroy();
        return;
      }
    }
  }
}
