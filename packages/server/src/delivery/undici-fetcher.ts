import type { Cancellation, FetchRequest, FetchResponse, Fetcher } from '@callhook/core';
import { systemClock } from '@callhook/node';
import type { Agent } from 'undici';
import { ResponseSink, type SinkResult } from './response-sink.js';
import { SIGNATURE_HEADER, signatureHeader } from './signature.js';
import { trustedCertificates, type CaOption } from './trust-store.js';

export interface UndiciFetcherOptions {
  connectTimeoutMs?: number;
  /** Upper bound per request; the Dispatcher's per-slot timeout normally ends it first. */
  responseTimeoutMs?: number;
  maxRedirects?: number;
  /** Response bodies are read and discarded up to this size, then the connection is dropped. */
  maxBodyBytes?: number;
  /** Connections per origin kept in the keep-alive pool. */
  connectionsPerOrigin?: number;
  /** Extra trusted CA certificates (PEM) for https receivers, added to the default ones; certificates are always validated. */
  ca?: CaOption;
  now?: () => number;
}

export const USER_AGENT = 'callhook/0.1';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/**
 * What a redirect to another origin still carries: the slot's headers (an `X-Api-Key` as much as
 * `Authorization`) and the signature are for the receiver the slot names, never for whoever it
 * redirects to, so only headers callhook itself sets and that hold no secret go on.
 */
const CROSS_ORIGIN_HEADERS = new Set(['user-agent', 'content-type', 'idempotency-key']);
/** Describe a body that a redirect to GET no longer has. */
const BODY_HEADERS = new Set(['content-type', 'content-length', 'content-encoding', SIGNATURE_HEADER.toLowerCase()]);

function withoutHeaders(headers: Record<string, string>, names: Set<string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !names.has(name.toLowerCase())));
}

function onlyHeaders(headers: Record<string, string>, names: Set<string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => names.has(name.toLowerCase())));
}

/**
 * Core's Fetcher on undici: one keep-alive pool (the response's `Retry-After` passed on), bounded redirects (a redirect to another origin —
 * scheme, host or port — drops every slot header and the signature), capped body reads, HMAC signing.
 */
export class UndiciFetcher implements Fetcher {
  /** undici and its connection pool are loaded with the first request: start-up does not wait for them. */
  private agent: Promise<Agent> | null = null;
  private readonly agentOptions: Agent.Options;
  private readonly maxRedirects: number;
  private readonly maxBodyBytes: number;
  private readonly now: () => number;

  constructor(options: UndiciFetcherOptions = {}) {
    const responseTimeout = options.responseTimeoutMs ?? 130_000;
    this.agentOptions = {
      connections: options.connectionsPerOrigin ?? 64,
      keepAliveTimeout: 10_000,
      keepAliveMaxTimeout: 60_000,
      headersTimeout: responseTimeout,
      bodyTimeout: responseTimeout,
      connect: { timeout: options.connectTimeoutMs ?? 5_000, ca: trustedCertificates(options.ca), rejectUnauthorized: true },
    };
    this.maxRedirects = options.maxRedirects ?? 3;
    this.maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
    this.now = options.now ?? systemClock.now;
  }

  /** The pool once made: later requests go to it without waiting a turn for `agent`. */
  private madeAgent: Agent | null = null;

  private pool(): Promise<Agent> {
    // `default` (undici's module.exports): what Node gives for a CommonJS package and all a bundle's
    // chunk of it exports (apps/cli's esbuild bundle has no named exports for a lazily imported one).
    this.agent ??= import('undici').then(({ default: undici }) => (this.madeAgent = new undici.Agent(this.agentOptions)));
    return this.agent;
  }

  async fetch(req: FetchRequest): Promise<FetchResponse> {
    const headers: Record<string, string> = { 'user-agent': USER_AGENT, ...req.headers };
    if (req.signingSecret) {
      headers[SIGNATURE_HEADER] = signatureHeader(req.signingSecret, req.body ?? '', Math.floor(this.now() / 1000));
    }
    let url = req.url;
    let method = req.method;
    let body = req.body;
    let sent = headers;
    // Redirects are followed here rather than by undici's interceptor, which costs on every request;
    // so the header clean-up a browser does on a redirect is done here too.
    for (let hop = 0; ; hop++) {
      const { status, location, retryAfter } = await this.send(url, method, sent, body, req.cancellation);
      const response: FetchResponse = retryAfter === undefined ? { status } : { status, retryAfter };
      if (!REDIRECTS.has(status) || location === undefined || hop >= this.maxRedirects) return response;
      const next = new URL(location, url);
      if (next.protocol !== 'http:' && next.protocol !== 'https:') return response;
      if (next.origin !== new URL(url).origin) sent = onlyHeaders(sent, CROSS_ORIGIN_HEADERS);
      url = next.href;
      if (status === 303 || (status <= 302 && method === 'POST')) {
        method = 'GET';
        body = undefined;
        sent = withoutHeaders(sent, BODY_HEADERS);
      }
    }
  }

  private async send(url: string, method: string, headers: Record<string, string>, body: string | undefined, cancellation: Cancellation): Promise<SinkResult> {
    const agent = this.madeAgent ?? (await this.pool());
    return new Promise((resolve, reject) => {
      const sink = new ResponseSink(this.maxBodyBytes, cancellation, resolve, reject);
      try {
        const target = new URL(url);
        agent.dispatch({ origin: target.origin, path: `${target.pathname}${target.search}`, method, headers, body }, sink);
      } catch (error) {
        sink.fail(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /** Waits for requests in flight, then closes every connection. */
  async close(): Promise<void> {
    await (await this.agent)?.close();
  }

  /** Ends every request in flight (they reject) and closes every connection now. */
  async destroy(): Promise<void> {
    await (await this.agent)?.destroy();
  }
}
