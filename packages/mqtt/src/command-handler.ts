import { disabledAction, isCallhookError, readInboundRequest, Refusal, type CallSnapshot, type Engine, type Logger } from '@callhook/core';
import { commandQuery } from './command-payload.js';

/** The result of an MQTT command (a public contract): the same body the HTTP listener answers, plus the caller's `id`. */
export type CommandReply =
  | { ok: true; action: string; call: CallSnapshot | null; id?: string }
  | { ok: false; code: string; message: string; details?: Record<string, unknown>; id?: string };

/**
 * Carries out a command published to `<prefix>/<lineId>/command`: the payload is read by
 * `commandQuery`, parsed by core's inbound parser (the same commands and parameters as an inbound
 * Action URL), refused when its switch `inbound.actions.<action>` is off, and run by the engine (deny
 * list, duplicate guard and dial plan included). The line is the topic's; a `line` in the payload
 * must name the same one. Never rejects: every failure becomes a `{ ok: false }` reply, and is logged.
 */
export async function handleCommand(engine: Engine, lineId: string, payload: Buffer, logger: Logger): Promise<CommandReply> {
  const read = commandQuery(payload);
  const id = read instanceof Refusal ? {} : read.id === null ? {} : { id: read.id };
  const refuse = (error: { code: string; message: string; details?: Record<string, unknown> }): CommandReply => {
    logger.log('warn', `MQTT command on line "${lineId}" refused: ${error.message}`, { code: error.code });
    return { ok: false, code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}), ...id };
  };
  if (read instanceof Refusal) return refuse(read);
  const command = readInboundRequest(`/?${read.query}`);
  if (command instanceof Refusal) return refuse(command);
  if (command.line != null && command.line !== lineId) {
    return refuse(new Refusal('bad_request', `"line" is "${command.line}" but the command came on the topic of line "${lineId}"; leave "line" out`));
  }
  const disabled = disabledAction(engine.settings.settings.inbound, command.action);
  if (disabled) return refuse(disabled);
  try {
    const result = await engine.execute({ ...command, line: lineId });
    return { ok: true, action: result.action, call: result.call, ...id };
  } catch (error) {
    if (isCallhookError(error)) return refuse(error);
    logger.log('error', `MQTT command on line "${lineId}" failed: ${error instanceof Error ? error.message : String(error)}`);
    return { ok: false, code: 'internal_error', message: 'internal error; see the server log', ...id };
  }
}
