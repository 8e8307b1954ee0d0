/**
 * `@callhook/server/contract`: the control API's routes and schemas and the typed client derived from
 * them. It imports only zod and `@callhook/core`, so the browser console and the CLI can use it
 * without pulling in fastify.
 */
export * from './schemas.js';
export * from './routes.js';
export * from './api-client.js';
export { ConsoleCommandSchema, SlotTestSchema } from './command-schema.js';
