// The settings of a "SIP line" start, shared by the build's code-cache step (scripts/code-cache.mjs)
// and the cold-start bench (bench/cold-start.ts): a SIP line on loopback with auto-answer, three
// Action URLs and the inbound listener — what a softphone deployment loads at start.

/** The settings file's contents (JSON). */
export const SIP_START_SETTINGS = JSON.stringify({
  actionUrls: { enabled: true, slots: ['inbound', 'connected', 'disconnected'].map((on) => ({ on, url: `http://127.0.0.1:9/${on}?guid=<$call_guid>` })) },
  inbound: { enabled: true, listen: ['127.0.0.1'] },
  line: { type: 'sip', aor: 'sip:303@127.0.0.1', port: 0, transport: 'udp', autoAnswer: true },
});
