import { linkFromArgv } from './dial-link.js';
import type { InstanceAppPort } from './electron-ports.js';

export interface SingleInstanceHandlers {
  /** A dial link, from this launch's command line, a second launch, or macOS's open-url. */
  onLink(link: string): void;
  /** A second launch without a link: bring the window forward. */
  onSecondLaunch(): void;
}

/**
 * Makes this process the only instance. A second launch quits at once; Electron hands its command
 * line to the first, which dials the link it carries. Returns false when this is the second.
 */
export function claimSingleInstance(app: InstanceAppPort, argv: readonly string[], handlers: SingleInstanceHandlers): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', (_event, secondArgv) => {
    handlers.onSecondLaunch();
    const link = linkFromArgv(secondArgv);
    if (link) handlers.onLink(link);
  });
  app.on('open-url', (event, url) => {
    event.preventDefault();
    handlers.onLink(url);
  });
  const initial = linkFromArgv(argv);
  if (initial) handlers.onLink(initial);
  return true;
}
