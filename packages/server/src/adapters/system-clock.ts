/**
 * The server's clock is the project's one `systemClock` from `@callhook/node`. This re-export only
 * keeps `src/app/build-app.ts` (owned by the API-contract work) compiling until it imports
 * `@callhook/node` itself; it holds no implementation of its own.
 */
export { systemClock } from '@callhook/node';
