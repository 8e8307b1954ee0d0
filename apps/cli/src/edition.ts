import type { ServerEdition } from '@callhook/server';

/**
 * The CLI's edition: its registry of line plugins, one line each (the first is the default line).
 * A new line type is one more entry here. Loaded lazily: `callhook --version` needs none of it.
 */
export async function cliEdition(): Promise<ServerEdition> {
  const [server, sip, phones] = await Promise.all([import('@callhook/server'), import('@callhook/sip'), import('@callhook/phones')]);
  return {
    linePlugins: [server.simulatorLinePlugin, sip.sipLinePlugin, phones.deskphoneLinePlugin],
  };
}
