import { simulatorLinePlugin, type ServerEdition } from '@callhook/server';
import { sipLinePlugin } from '@callhook/sip';
import { deskphoneLinePlugin } from '@callhook/phones';

/** The desktop's edition: its registry of line plugins, one line each (the first is the default line). */
export const desktopEdition: ServerEdition = {
  linePlugins: [simulatorLinePlugin, sipLinePlugin, deskphoneLinePlugin],
};
