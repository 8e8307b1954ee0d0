import { simulatorLinePlugin } from './simulator-plugin.js';
import type { ServerEdition } from './server-edition.js';

/** The server's own edition (its registry): the simulator only. The CLI and the desktop list theirs. */
export const headlessEdition: ServerEdition = { linePlugins: [simulatorLinePlugin] };
