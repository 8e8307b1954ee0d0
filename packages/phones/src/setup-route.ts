import type { LineSecrets } from '@callhook/core';

/** The part of an HTTP app (fastify) the plugin's route needs. */
export interface SetupRouteHost {
  get(path: string, handler: (request: { params: unknown }) => Promise<unknown>): unknown;
}

/** The path of the setup text route: `GET /api/v1/lines/:id/setup` → `{ ok: true, line, vendor, text }`. */
export const SETUP_ROUTE = '/api/v1/lines/:id/setup';

/** The desk phone's secret field (`LinePlugin.secrets`), shared by the plugin and its lazy form. */
export const deskphoneSecrets: LineSecrets = {
  fields: ['password'],
  // The password is the phone's admin login: not sent to another phone or user unless typed again.
  account: (line) =>
    `${String(line.username ?? '').toLowerCase()} at ${typeof line.url === 'string' ? line.url.toLowerCase().replace(/\/$/, '') : 'its phone'}`,
  accountLabel: 'the phone url or username',
};
