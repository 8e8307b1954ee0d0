import { CallhookError } from '@callhook/core';
import type { FastifySchemaCompiler, FastifyServerOptions } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import type * as z from 'zod';
import { ErrorBodySchema } from '../contract/schemas.js';
import type { RouteContract } from '../contract/routes.js';

type SchemaPart<R, K extends string> = R extends Record<K, infer S extends z.ZodType> ? S : undefined;

/** A contract route's fastify schema: request parts for the validator, responses for the serializer. */
export interface ContractSchema<R extends RouteContract> {
  summary: string;
  params: SchemaPart<R, 'params'>;
  querystring: SchemaPart<R, 'query'>;
  body: SchemaPart<R, 'body'>;
  response: Record<string, R['response'] | typeof ErrorBodySchema>;
}

/**
 * The fastify schema of `route`. Its 200 (and `alsoAnswers`) body goes through the response schema,
 * error answers through `ErrorBodySchema`: an answer that breaks the contract fails (500) instead of
 * reaching a client.
 */
export function contractSchema<R extends RouteContract>(route: R): ContractSchema<R> {
  const response: ContractSchema<R>['response'] = { 200: route.response, '4xx': ErrorBodySchema, '5xx': ErrorBodySchema };
  for (const status of route.alsoAnswers ?? []) response[status] = route.response;
  // Only the parts the route has: fastify warns about a part that is present but undefined.
  const schema: Partial<ContractSchema<R>> = { summary: route.summary, response };
  if (route.params) schema.params = route.params as SchemaPart<R, 'params'>;
  if (route.query) schema.querystring = route.query as SchemaPart<R, 'query'>;
  if (route.body) schema.body = route.body as SchemaPart<R, 'body'>;
  return schema as ContractSchema<R>;
}

const PART_NAMES: Record<string, string> = { body: 'body', querystring: 'query', params: 'path' };

/**
 * Validates a request part with its zod schema. A failure is a 400 `bad_request` naming the first bad
 * field, worded as the routes' own checks always were; a missing body is read as `{}`.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (data) => {
    const parsed = schema.safeParse(data ?? {});
    if (parsed.success) return { value: parsed.data };
    const issue = parsed.error.issues[0];
    const where = PART_NAMES[httpPart ?? 'body'] ?? 'body';
    return { error: new CallhookError('bad_request', `${issue?.path.join('.') || where}: ${issue?.message ?? 'invalid'}`) };
  };

/**
 * Every route validates and serializes with its zod schemas (each app sets them again, where fastify's
 * types check them). Given as the compiler factories, they also keep fastify from loading its default
 * compilers (ajv and fast-json-stringify, ~100 files) that nothing here would use. Fastify's own
 * types describe JSON-schema compilers, hence the cast.
 */
export const ZOD_COMPILERS = {
  buildValidator: () => zodValidatorCompiler,
  buildSerializer: () => serializerCompiler,
} as unknown as NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
