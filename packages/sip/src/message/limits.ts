/** Upper bound for one SIP message (header section plus body) on any transport. */
export const MAX_SIP_MESSAGE_BYTES = 64 * 1024;
