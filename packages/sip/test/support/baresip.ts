/** Moved to @callhook/test-support (shared with the phones package's end-to-end test). */
export { startBaresip, type Baresip, type BaresipEvent, type BaresipMedia } from '@callhook/test-support';
