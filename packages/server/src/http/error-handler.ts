import { isCallhookError, Refusal, type Logger } from '@callhook/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { redactUrl } from '../adapters/redact.js';
import { CORE_ERROR_STATUS } from './error-status.js';
import { ServerError } from './http-error.js';

export interface ErrorBody {
  ok: false;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** Maps every error (core's, the gate's, fastify's own) to `{ ok: false, code, message }` and a status. */
export function errorResponse(error: unknown): { status: number; body: ErrorBody; headers: Record<string, string> } {
  if (error instanceof ServerError) {
    return { status: error.status, body: { ok: false, code: error.code, message: error.message }, headers: error.headers };
  }
  if (isCallhookError(error) || error instanceof Refusal) {
    const body: ErrorBody = { ok: false, code: error.code, message: error.message };
    if (error.details) body.details = error.details;
    return { status: CORE_ERROR_STATUS[error.code] ?? 500, body, headers: {} };
  }
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return { status: 413, body: { ok: false, code: 'payload_too_large', message: fastifyError.message ?? 'body too large' }, headers: {} };
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
    return { status: fastifyError.statusCode, body: { ok: false, code: 'bad_request', message: fastifyError.message ?? 'bad request' }, headers: {} };
  }
  return { status: 500, body: { ok: false, code: 'internal_error', message: 'internal error; see the server log' }, headers: {} };
}

/**
 * Answers an expected refusal directly. Hooks and hot routes use this instead of throwing: fastify's
 * error path writes header and body separately and halves the throughput of a flood of bad requests.
 */
export function sendError(reply: FastifyReply, error: unknown): FastifyReply {
  const { status, body, headers } = errorResponse(error);
  return reply.code(status).headers(headers).send(body);
}

export function errorHandler(logger: Logger) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply): void => {
    const { status, body, headers } = errorResponse(error);
    if (status >= 500 && body.code === 'internal_error') {
      logger.log('error', 'request failed', { url: redactUrl(request.url), error: String((error as Error)?.stack ?? error) });
    }
    void reply.code(status).headers(headers).send(body);
  };
}
