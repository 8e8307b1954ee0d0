import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorResponse, sendError } from './error-handler.js';
import { PAGE_CSP } from './html-page.js';
import { actionResultPage, type ActionOutcome } from './action-result-page.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A browser navigation to this route gets a readable HTML page (inbound Action URLs). */
    answersPages?: boolean;
  }
}

/**
 * On a route marked `answersPages`, a browser navigation (a clicked or typed link: `Sec-Fetch-Mode: navigate`, or an `Accept` that
 * prefers text/html) wants a page a person can read; programs get JSON.
 */
export function wantsPage(request: FastifyRequest): boolean {
  if (!request.routeOptions.config?.answersPages) return false;
  if (request.browser?.navigation) return true;
  const accept = request.headers.accept ?? '';
  return /^\s*text\/html/i.test(accept);
}

/** Answers a browser navigation with the readable result page, keeping the status of the JSON answer. */
export function sendPage(reply: FastifyReply, status: number, outcome: ActionOutcome): FastifyReply {
  return reply
    .code(status)
    .header('content-security-policy', PAGE_CSP)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(actionResultPage(outcome));
}

/** Answers a refusal: as the result page to a browser navigation, as `{ ok: false, … }` JSON otherwise. */
export function sendRefusal(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  if (!wantsPage(request)) return sendError(reply, error);
  const { status, body, headers } = errorResponse(error);
  return sendPage(reply.headers(headers), status, { ok: false, status, code: body.code, message: body.message });
}
