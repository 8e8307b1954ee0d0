import { disabledAction, ExpectedError, readInboundRequest, Refusal, type Engine, type InboundCommand } from '@callhook/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CALL_PLACING_ACTIONS, takeCallPlace, type TokenBucketLimiter } from '../gate/rate-limiter.js';
import { peerKey } from '../runtime/connection-guard.js';
import { sendPage, sendRefusal, wantsPage } from '../http/page-answer.js';

/**
 * Inbound Action URLs: `/?action=…` and the desk-phone click-to-dial forms (Snom `/command.htm`,
 * Yealink `/servlet`). Core parses the request target; this checks the action switch and, for
 * make_call and transfer, the per-peer call limit shared with the control API, then lets the engine act.
 */
export function registerInboundRoutes(app: FastifyInstance, engine: Engine, limiter: TokenBucketLimiter): void {
  /** Parses and checks the request; refusals are answered here, synchronously (a flood of bad requests takes this path). */
  const handle = (request: FastifyRequest, reply: FastifyReply) => {
    const command = readInboundRequest(request.url);
    if (command instanceof Refusal) return sendRefusal(request, reply, command);
    let release: (() => void) | null;
    try {
      release = admit(command, request.raw.socket.remoteAddress);
    } catch (error) {
      if (error instanceof ExpectedError) return sendRefusal(request, reply, error);
      throw error;
    }
    return act(command, release, request, reply);
  };

  /** Refuses a disabled action and a call over the peer's limit; returns how to give the place back. */
  const admit = (command: InboundCommand, peer: string | undefined): (() => void) | null => {
    const { inbound } = engine.settings.settings;
    const disabled = disabledAction(inbound, command.action);
    if (disabled) throw disabled;
    if (!CALL_PLACING_ACTIONS.has(command.action)) return null;
    return takeCallPlace(limiter, peerKey(peer), inbound.rateLimit);
  };

  const act = async (command: InboundCommand, release: (() => void) | null, request: FastifyRequest, reply: FastifyReply) => {
    try {
      const result = await engine.execute(command);
      // A person who followed the link reads what happened; programs get JSON.
      if (wantsPage(request)) return sendPage(reply, 200, { ok: true, action: result.action, call: result.call });
      return { ok: true, action: result.action, call: result.call };
    } catch (error) {
      release?.();
      if (error instanceof ExpectedError) return sendRefusal(request, reply, error);
      throw error;
    }
  };

  const config = { answersPages: true };
  app.get('/', { config }, handle);
  app.get('/command.htm', { config }, handle);
  app.get('/servlet', { config }, handle);
}
