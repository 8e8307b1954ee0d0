/** The IPC channels of desktop audio (beside the console's `IPC_CHANNELS`); no dependencies, for the preload. */
export const AUDIO_CHANNELS = {
  /** invoke: main creates a MessageChannelMain and posts one end to the sender on `port`. */
  open: 'callhook:audio:open',
  /** main → preload: carries the MessagePort in `event.ports[0]`. */
  port: 'callhook:audio:port',
  getDevices: 'callhook:audio:devices:get',
  saveDevices: 'callhook:audio:devices:save',
} as const;

/** What the preload posts to the page's window with the port, so the page can tell it from other messages. */
export const AUDIO_PORT_MESSAGE = 'callhook:audio-port';
