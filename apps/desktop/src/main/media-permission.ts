/** The part of Electron's permission request details this check reads. */
export interface PermissionDetails {
  requestingUrl?: string;
  mediaTypes?: string[];
}

/** What the console's page may be granted: the microphone (audio only) and choosing the speaker. */
const GRANTED = new Set(['media', 'speaker-selection']);

/**
 * A `setPermissionRequestHandler` callback: the console's own page (the bundled renderer's file: URL
 * or the dev server's origin) may open the microphone and pick the speaker; the camera, every other
 * permission, and any other page are refused.
 */
export function mediaPermission(allowedOrigins: readonly string[]) {
  return (_webContents: unknown, permission: string, callback: (granted: boolean) => void, details: PermissionDetails): void => {
    const url = details.requestingUrl ?? '';
    const origin = url.startsWith('file://') ? 'file://' : originOf(url);
    const audioOnly = (details.mediaTypes ?? []).every((type) => type === 'audio');
    callback(GRANTED.has(permission) && origin !== null && allowedOrigins.includes(origin) && audioOnly);
  };
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
