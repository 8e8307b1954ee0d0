import { AudioDevicesSchema } from '@callhook/ui/audio-wire';
import * as z from 'zod';
import type { LoginItemPort } from './electron-ports.js';

/** Settings of the desktop shell itself, beside core's settings document (which has no room for them). */
export const DesktopPrefsSchema = z.strictObject({
  startAtLogin: z.boolean().default(false),
  /** The microphone and speaker for calls (`MediaDeviceInfo.deviceId`; null: the system default). */
  audio: AudioDevicesSchema.default({ input: null, output: null }),
});
export type DesktopPrefs = z.output<typeof DesktopPrefsSchema>;

export function parsePrefs(text: string | null): DesktopPrefs {
  if (text === null) return DesktopPrefsSchema.parse({});
  try {
    return DesktopPrefsSchema.parse(JSON.parse(text));
  } catch {
    return DesktopPrefsSchema.parse({});
  }
}

/** Applies "start at login" to the OS when it differs from what the OS has. */
export function applyStartAtLogin(login: LoginItemPort, prefs: Pick<DesktopPrefs, 'startAtLogin'>): void {
  if (login.getLoginItemSettings().openAtLogin !== prefs.startAtLogin) {
    login.setLoginItemSettings({ openAtLogin: prefs.startAtLogin });
  }
}
