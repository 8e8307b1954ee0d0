const KEY = 'callhook.token';

/**
 * The listener's token for the console: from `#token=…` in the address (then removed from it) or
 * remembered for this browser tab.
 */
export function consoleToken(location: Location, storage: Storage, history: History): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match) {
    const token = decodeURIComponent(match[1]!);
    storage.setItem(KEY, token);
    history.replaceState(null, '', location.pathname + location.search);
    return token;
  }
  return storage.getItem(KEY);
}

/** Remembers the token typed into the sign-in field for this browser tab. */
export function rememberToken(storage: Storage, token: string): void {
  storage.setItem(KEY, token);
}
