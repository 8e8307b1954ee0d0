import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CallhookError } from '@callhook/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { RECORDING_ROUTE } from '../contract/routes.js';

/**
 * `GET /api/v1/calls/:guid/recording` (see `RECORDING_ROUTE`): streams `<recordingsDir>/<guid>.wav`.
 * The GUID is checked against `[A-Za-z0-9_-]` by the params schema, so it never leaves the directory.
 * Without a recordings directory (an in-memory data dir) every call answers 404.
 */
export function registerRecordingRoute(app: FastifyInstance, recordingsDir: string | undefined): void {
  app
    .withTypeProvider<ZodTypeProvider>()
    .get(RECORDING_ROUTE.path, { schema: { summary: RECORDING_ROUTE.summary, params: RECORDING_ROUTE.params } }, async (request, reply) => {
      const { guid } = request.params;
      const path = recordingsDir === undefined ? undefined : join(recordingsDir, `${guid}.wav`);
      const size =
        path === undefined
          ? undefined
          : await stat(path).then(
              (found) => (found.isFile() ? found.size : undefined),
              () => undefined,
            );
      if (path === undefined || size === undefined) throw new CallhookError('no_such_call', `no recording of call ${guid}`, { call: guid });
      return reply
        .header('Content-Type', 'audio/wav')
        .header('Content-Length', String(size))
        .header('Content-Disposition', `attachment; filename="${guid}.wav"`)
        .send(createReadStream(path));
    });
}
