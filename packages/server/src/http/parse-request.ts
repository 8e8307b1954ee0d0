import { CallhookError } from '@callhook/core';
import type { z } from 'zod';

/** A request body or query checked with a zod schema; the first issue becomes a 400 naming the field. */
export function parseRequest<T>(schema: z.ZodType<T>, input: unknown, what: 'body' | 'query' = 'body'): T {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CallhookError('bad_request', `${issue.path.join('.') || what}: ${issue.message}`);
  }
  return parsed.data;
}
