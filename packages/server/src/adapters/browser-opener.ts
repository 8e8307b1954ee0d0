import type { BrowserOpener } from '@callhook/core';

/** True on a desktop session where a browser can be shown. */
export function hasDesktopSession(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY) || process.platform === 'darwin' || process.platform === 'win32';
}

export class NoBrowserError extends Error {
  constructor() {
    super('no web browser on this headless server (no DISPLAY or WAYLAND_DISPLAY); the slot was not opened');
    this.name = 'NoBrowserError';
  }
}

/** For headless servers: every "open in browser" slot fails with a clear reason in the delivery log. */
export const headlessBrowser: BrowserOpener = {
  open: () => Promise.reject(new NoBrowserError()),
};

/** Opens URLs with the desktop's default browser (xdg-open and friends, through `open`). */
export const desktopBrowser: BrowserOpener = {
  async open(url) {
    // Loaded when a slot first opens a page: most servers never do.
    const { default: open } = await import('open');
    const child = await open(url);
    child.unref();
  },
};
