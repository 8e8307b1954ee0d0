import { CallhookError, ExpectedError, readInboundRequest, Refusal, type Clock, type Engine, type InboundCommand } from '@callhook/core';
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

  /** Parses and checks the request; refusals are answered here, synchronously (a flood of bad requests takes this path). */
  const handle = (request: FastifyRequest, reply: FastifyReply) => {
    const command = readInboundRequest(request.url);
    if (command instanceof Refusal) return sendError(reply, command);
    let release: (() => void) | null;
    try {
      release = admit(command);
    } catch (error) {
      if (error instanceof ExpectedError) return sendError(reply, error);
      throw error;
    }
    return act(command, release, request, reply);
  };

  /** Refuses a disabled action and a make_call over the rate limit; returns how to give the allowance back. */
  const admit = (command: InboundCommand): (() => void) | null => {
    const { inbound } = engine.settings.settings;
    if (!inbound.actions[command.action]) {
      throw new CallhookError('action_disabled', `the inbound action "${command.action}" is off; set inbound.actions.${command.action} to true`, {
        action: command.action,
      });
    }
    if (command.action !== 'make_call') return null;
    const place = limiter.take(inbound.rateLimit.max, inbound.rateLimit.windowMs);
    if ('retryAfterMs' in place) {
      const seconds = Math.max(1, Math.ceil(place.retryAfterMs / 1000));
      throw new ServerError('rate_limited', `more than ${inbound.rateLimit.max} calls in ${inbound.rateLimit.windowMs} ms (inbound.rateLimit); retry in ${seconds} s`, {
        'retry-after': String(seconds),
      });
    }
    return place.release;
  };

  const act = async (command: InboundCommand, release: (() => void) | null, request: FastifyRequest, reply: FastifyReply) => {
    try {
      const result = await engine.execute(command);
      // A link clicked in a browser should leave the page where it is: 204 does exactly that.
      if (request.browser.navigation) return reply.code(204).send();
      return { ok: true, action: result.action, call: result.call };
    } catch (error) {
      release?.();
      if (error instanceof ExpectedError) return sendError(reply, error);
      throw error;
    }
  };

  app.get('/', handle);
  app.get('/command.htm', handle);
  app.get('/servlet', handle);
}
