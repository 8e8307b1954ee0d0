import type { TrayIconState } from './tray-status.js';

/** 16×16 dots (generated PNGs): green ready, amber registering, red not registered. */
export const TRAY_ICONS: Record<TrayIconState, string> = {
  ok: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAOklEQVR42mOwvdPCQAnGJdGAAxM0AKbwPw6MYRC65v9E4gaqG0CKZhRDRg2gogEDnw6okpSpkplIxgBioCyjTZdkgAAAAABJRU5ErkJggg==',
  busy: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAOklEQVR42mP4fzGNgRKMS6IBByZoAEzhfxwYwyB0zf+JxA1UN4AUzSiGjBpARQMGPh1QJSlTJTORjAFpaMWjpPIrvgAAAABJRU5ErkJggg==',
  error:
    'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAOklEQVR42mP4n53NQAnGJdGAAxM0AKbwPw6MYRC65v9E4gaqG0CKZhRDRg2gogEDnw6okpSpkplIxgAgXWSjJ82KzgAAAABJRU5ErkJggg==',
};
