import { CallhookError, ExpectedError, parseInboundRequest, type Clock, type Engine } from '@callhook/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SlidingWindowLimiter } from '../gate/rate-limiter.js';
import { sendError } from '../http/error-handler.js';
import { ServerError } from '../http/http-error.js';

/**
 * Inbound Action URLs: `/?action=…` and the desk-phone click-to-dial forms (Snom `/command.htm`,
 * Yealink `/servlet`). Core parses the request target; this checks the action switch and the
 * make_call rate limit, then lets the engine act.
 */
export function registerInboundRoutes(app: FastifyInstance, engine: Engine, clock: Clock): void {
  const limiter = new SlidingWindowLimiter(clock);

  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      return await act(request, reply);
    } catch (error) {
      if (error instanceof ExpectedError) return sendError(reply, error);
      throw error;
    }
  };

  const act = async (request: FastifyRequest, reply: FastifyReply) => {
    const command = parseInboundRequest(request.url);
    const { inbound } = engine.settings.settings;
    if (!inbound.actions[command.action]) {
      throw new CallhookError('action_disabled', `the inbound action "${command.action}" is off; set inbound.actions.${command.action} to true`, {
        action: command.action,
      });
    }
    let release: (() => void) | null = null;
    if (command.action === 'make_call') {
      const place = limiter.take(inbound.rateLimit.max, inbound.rateLimit.windowMs);
      if ('retryAfterMs' in place) {
        const seconds = Math.max(1, Math.ceil(place.retryAfterMs / 1000));
        throw new ServerError('rate_limited', `more than ${inbound.rateLimit.max} calls in ${inbound.rateLimit.windowMs} ms (inbound.rateLimit); retry in ${seconds} s`, {
          'retry-after': String(seconds),
        });
      }
      release = place.release;
    }
    try {
      const result = await engine.execute(command);
      // A link clicked in a browser should leave the page where it is: 204 does exactly that.
      if (request.browser.navigation) return reply.code(204).send();
      return { ok: true, action: result.action, call: result.call };
    } catch (error) {
      release?.();
      throw error;
    }
  };

  app.get('/', handle);
  app.get('/command.htm', handle);
  app.get('/servlet', handle);
}
