/** Moved to @callhook/test-support (shared with the phones package's end-to-end test). */
export { startKamailio, type Kamailio, type KamailioOptions } from '@callhook/test-support';
