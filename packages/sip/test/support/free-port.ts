/** The SIP port helpers live in @callhook/test-support (shared with the phones tests); the sip tests' names for them. */
export { freeSipPort as freePort, isSipPortFree as isFree } from '@callhook/test-support';
