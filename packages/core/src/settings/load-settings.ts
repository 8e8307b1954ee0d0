import type { z } from 'zod';
import { CallhookError } from '../errors.js';
import { compileTemplate, type CompiledTemplate } from '../template/compile.js';
import { TemplateError } from '../template/template-error.js';
import { markerPaths } from './secrets.js';
import { createSettingsSchema, type EditionLimits, type Settings } from './settings-schema.js';

export interface SettingsIssue {
  /** `actionUrls.slots[1].url` */
  path: string;
  message: string;
}

export class SettingsError extends CallhookError {
  constructor(readonly issues: SettingsIssue[]) {
    super('invalid_settings', `invalid settings:\n${issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n')}`, {
      issues,
    });
    this.name = 'SettingsError';
  }
}

/** Settings validated, with every slot's template compiled once (null for an empty, inactive slot). */
export interface LoadedSettings {
  settings: Settings;
  templates: (CompiledTemplate | null)[];
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

function zodIssue(issue: z.core.$ZodIssue): SettingsIssue {
  if (issue.code === 'unrecognized_keys') {
    return { path: formatPath(issue.path), message: `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}; remove it or check its spelling` };
  }
  if (issue.code === 'invalid_key') {
    return { path: formatPath(issue.path), message: issue.issues.map((inner) => inner.message).join('; ') };
  }
  return { path: formatPath(issue.path), message: issue.message };
}

/** Validates a settings document and compiles its templates. Throws `SettingsError` naming every bad field. */
export function loadSettings(input: unknown, edition: EditionLimits = {}): LoadedSettings {
  const markers = markerPaths(input);
  if (markers.length > 0) {
    throw new SettingsError(markers.map((path) => ({ path, message: '{"set": true} only stands for a secret callhook already keeps (control API, console); here write the value itself' })));
  }
  const parsed = createSettingsSchema(edition).safeParse(input);
  if (!parsed.success) throw new SettingsError(parsed.error.issues.map(zodIssue));
  const settings = parsed.data as Settings;
  const issues: SettingsIssue[] = [];
  const templates = settings.actionUrls.slots.map((slot, i) => {
    if (slot.url === '') return null;
    try {
      return compileTemplate(slot.url);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      issues.push({ path: `actionUrls.slots[${i}].url`, message: error.message });
      return null;
    }
  });
  if (issues.length > 0) throw new SettingsError(issues);
  return { settings, templates };
}

/** Parses JSON text first, so a syntax error is reported like any other settings issue. */
export function loadSettingsText(text: string, edition?: EditionLimits): LoadedSettings {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SettingsError([{ path: '', message: `not valid JSON: ${withoutExcerpt((error as Error).message)}` }]);
  }
  return loadSettings(json, edition);
}

/**
 * V8's JSON.parse messages may quote the text around the error (`Unexpected token 'h', "hunter2" is
 * not valid JSON`), which can be a token or a password: the quote is dropped, the reason kept.
 */
function withoutExcerpt(message: string): string {
  const quoted = /^(.*?), ".*" is not valid JSON$/s.exec(message);
  return quoted ? `${quoted[1]}; check the file around it` : message;
}
