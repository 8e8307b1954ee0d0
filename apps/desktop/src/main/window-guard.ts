import { checkExternalUrl } from './open-external.js';

/**
 * What the console window may do with a URL: its own page stays; an http(s) link opens in the
 * system browser; anything else is dropped.
 */
export function routeNavigation(url: string, ownUrlPrefix: string): 'stay' | 'external' | 'deny' {
  if (url.startsWith(ownUrlPrefix)) return 'stay';
  try {
    checkExternalUrl(url);
    return 'external';
  } catch {
    return 'deny';
  }
}
