import { MAX_REQUEST_TARGET, Refusal, type Settings } from '@callhook/core';
import type { FastifyInstance } from 'fastify';
import { sendRefusal } from '../http/page-answer.js';
import { ServerError } from '../http/http-error.js';
import { AllowList } from './allow-list.js';
import { judgeBrowserRequest, type BrowserVerdict } from './browser-origin.js';
import { HostCheck } from './host-check.js';
import { presentedToken, tokenAccepted } from './token-check.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without the token (still subject to the source and browser rules). */
    tokenExempt?: boolean;
  }
  interface FastifyRequest {
    browser: BrowserVerdict;
  }
}

/**
 * Every request passes the same gate, in this order: source address inside `inbound.allowFrom`, the
 * `Host` header names this listener (IP literal, `localhost` or `inbound.hostNames`), then a request target over MAX_REQUEST_TARGET is refused (400; CORS headers already set for an allowed
 * origin), browser origin rules, then the token. Settings are read per request, so a PUT /settings
 * applies at once.
 */
export function installSecurityGate(app: FastifyInstance, settings: () => Settings): void {
  let allowList: AllowList | null = null;
  let hosts: HostCheck | null = null;
  // fastify refuses object defaults for decorators; the hook below sets it on every request.
  app.decorateRequest('browser', null as unknown as BrowserVerdict);

  app.addHook('onRequest', async (request, reply) => {
    const { inbound } = settings();
    if (allowList === null || allowList.ranges !== inbound.allowFrom) allowList = new AllowList(inbound.allowFrom);
    const peer = request.raw.socket.remoteAddress;
    if (!allowList.allows(peer)) {
      return sendRefusal(
        request,
        reply,
        new ServerError('source_not_allowed', `requests from ${peer ?? 'an unknown address'} are not allowed; add it to inbound.allowFrom`),
      );
    }
    if (hosts === null || hosts.hostNames !== inbound.hostNames) hosts = new HostCheck(inbound.hostNames);
    const host = request.headers.host;
    if (!hosts.allows(host)) {
      const shown = host === undefined ? 'no Host header' : `Host "${host.slice(0, 100)}"`;
      return sendRefusal(
        request,
        reply,
        new ServerError('host_not_allowed', `${shown} does not name this listener; use its IP address or localhost, or add the name to inbound.hostNames`),
      );
    }
    const verdict = judgeBrowserRequest(request.headers, inbound.allowOrigins, hosts);
    request.browser = verdict;
    if (verdict.corsOrigin) void reply.header('access-control-allow-origin', verdict.corsOrigin).header('vary', 'Origin');
    if (request.originalUrl.length > MAX_REQUEST_TARGET) {
      return sendRefusal(request, reply, new Refusal('bad_request', `request is longer than ${MAX_REQUEST_TARGET} characters; shorten it`));
    }
    if (request.method === 'OPTIONS') return;
    if (!verdict.allowed) return sendRefusal(request, reply, new ServerError('origin_not_allowed', verdict.reason));
    if (inbound.token === null || request.routeOptions.config?.tokenExempt) return;
    const presented = presentedToken(request.headers.authorization, request.url);
    const challenge = { 'www-authenticate': 'Bearer realm="callhook"' };
    if (presented === null) {
      return sendRefusal(
        request,
        reply,
        new ServerError('unauthorized', 'this listener needs the token: send "Authorization: Bearer <token>" or add token=<token>', challenge),
      );
    }
    if (!tokenAccepted(request.raw.socket, presented, inbound.token))
      return sendRefusal(request, reply, new ServerError('unauthorized', 'wrong token (see inbound.token)', challenge));
  });
}
