import type { BrowserOpener } from '@callhook/core';
import type { ShellPort } from './electron-ports.js';

export class RefusedUrlError extends Error {
  constructor(
    readonly url: string,
    reason: string,
  ) {
    super(reason);
    this.name = 'RefusedUrlError';
  }
}

/** Only http(s) URLs go to the OS: `file:`, `javascript:`, custom schemes and the like never do. */
export function checkExternalUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RefusedUrlError(url, `not a URL: ${url.slice(0, 80)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new RefusedUrlError(url, `only http and https URLs are opened in the browser, not ${parsed.protocol}`);
  }
  return parsed.href;
}

/** Core's BrowserOpener port ("Show this Action URL in your standard web browser") on `shell.openExternal`. */
export function guardedBrowser(shell: ShellPort): BrowserOpener {
  return {
    async open(url: string) {
      await shell.openExternal(checkExternalUrl(url));
    },
  };
}
