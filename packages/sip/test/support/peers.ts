/** Moved to @callhook/test-support. */
export { requirePeer } from '@callhook/test-support';
