import { CallhookError, type LinePlugin, type LineRoutesContext } from '@callhook/core';
import { DeskPhoneLine } from './line/desk-phone-line.js';
import { DeskPhoneLineSchema, type DeskPhoneSettings } from './settings.js';
import { deskPhoneSetupText } from './setup.js';
import { deskphoneSecrets, SETUP_ROUTE, type SetupRouteHost } from './setup-route.js';
import { createDriver } from './vendors/create-driver.js';

/**
 * The desk phone as a line plugin (`"type": "deskphone"`, hardware telephone mode). Settings:
 * `DeskPhoneLineSchema`; the phone's admin password is a secret shown as `{"set": true}` outside the
 * settings file and not sent on to another phone (`url`) or login (`username`) unless typed again.
 * Its route `GET /api/v1/lines/:id/setup` answers the setup text of a running desk-phone line (what
 * `callhook phone setup` prints), behind the server's token like every API route; `setup: true` says so,
 * so the server reports `setup: true` for its lines and consoles offer "Set up phone". Every field needs a
 * restart of the line (its listener, secret and driver are built at start).
 */
export const deskphoneLinePlugin: LinePlugin<DeskPhoneSettings> = {
  type: 'deskphone',
  settingsSchema: DeskPhoneLineSchema,
  create: (settings, deps) =>
    new DeskPhoneLine(settings, {
      clock: deps.clock,
      logger: deps.logger,
      ...(deps.random ? { random: deps.random } : {}),
      driver: createDriver(settings, { clock: deps.clock, logger: deps.logger, ...(deps.random ? { random: deps.random } : {}) }),
    }),
  routes: (host, context) => registerSetupRoute(host as SetupRouteHost, context),
  secrets: deskphoneSecrets,
  setup: true,
};

/** What the setup route answers (`LineSetupReplySchema` of `@callhook/server/contract`). */
export interface LineSetupReply {
  ok: true;
  line: string;
  vendor: DeskPhoneSettings['vendor'];
  text: string;
}

/**
 * The setup text of running desk-phone line `id` among `lines` (the engine's line entries): the
 * answer of `GET /api/v1/lines/:id/setup`, also what the desktop hands its console over IPC. Throws
 * `no_such_line` naming the desk-phone lines when `id` is not one of them.
 */
export function lineSetupReply(lines: readonly { id: string; line: unknown }[], id: unknown): LineSetupReply {
  const entry = lines.find((l) => l.id === id);
  if (!entry || !(entry.line instanceof DeskPhoneLine)) {
    const ids = lines.filter((l) => l.line instanceof DeskPhoneLine).map((l) => l.id);
    throw new CallhookError('no_such_line', `no desk-phone line "${String(id)}"; desk-phone lines: ${ids.join(', ') || 'none'}`, { line: id });
  }
  const settings = entry.line.settingsForSetup;
  return { ok: true, line: settings.id, vendor: settings.vendor, text: deskPhoneSetupText(settings) };
}

export { SETUP_ROUTE, type SetupRouteHost } from './setup-route.js';

/** Registers `GET /api/v1/lines/:id/setup` for the running desk-phone lines of `context`. */
export function registerSetupRoute(host: SetupRouteHost, context: LineRoutesContext): void {
  host.get(SETUP_ROUTE, (request) => setupAnswer(request, context));
}

/** The answer of `GET /api/v1/lines/:id/setup` (see `lineSetupReply`); the lazy plugin's route calls it once loaded. */
export async function setupAnswer(request: { params: unknown }, context: LineRoutesContext): Promise<LineSetupReply> {
  return lineSetupReply(context.lines(), (request.params as { id?: unknown }).id);
}
