import { isSecretMarker, maskSettings, type EditionLimits, type Settings } from '@callhook/core';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The leaf paths (`inbound.port`, `actionUrls.slots[0].url`) where `a` and `b` differ. */
function differingPaths(a: unknown, b: unknown, path: string, out: string[]): void {
  if (isObject(a) && isObject(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) differingPaths(a[key], b[key], path ? `${path}.${key}` : key, out);
  } else if (Array.isArray(a) && Array.isArray(b) && a.every(isObject) && b.every(isObject)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) differingPaths(a[i], b[i], `${path}[${i}]`, out);
  } else if (JSON.stringify(a) !== JSON.stringify(b)) {
    out.push(path);
  }
}

/** Paths whose value is a secret (shown as `{"set": true}` by `maskSettings`). */
function secretPaths(value: unknown, path: string, out: Set<string>): Set<string> {
  if (isSecretMarker(value)) out.add(path);
  else if (isObject(value)) for (const [key, inner] of Object.entries(value)) secretPaths(inner, path ? `${path}.${key}` : key, out);
  else if (Array.isArray(value)) value.forEach((inner, i) => secretPaths(inner, `${path}[${i}]`, out));
  return out;
}

/**
 * The settings fields a change touched, for the log: `inbound.port`, `actionUrls.slots[1].url`, and a
 * secret as `inbound.token (secret)`; never a secret's value (only names are listed).
 */
export function changedSettingsFields(before: Settings, after: Settings, edition?: EditionLimits): string[] {
  const paths: string[] = [];
  differingPaths(before, after, '', paths);
  const secrets = secretPaths(maskSettings(before, edition), '', new Set());
  secretPaths(maskSettings(after, edition), '', secrets);
  return paths.map((path) => (secrets.has(path) ? `${path} (secret)` : path));
}
