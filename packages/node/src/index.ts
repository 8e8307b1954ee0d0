/**
 * @callhook/node: the Node implementations of core's time and randomness ports, shared by sip,
 * server, cli and desktop so that there is exactly one of each.
 */
export { systemClock } from './system-clock.js';
export { cryptoRandom } from './crypto-random.js';
