import type * as z from 'zod';
import { CallhookError } from '../errors.js';
import { compileTemplate, type CompiledTemplate } from '../template/compile.js';
import { TemplateError } from '../template/template-error.js';
import { markerPaths } from './secrets.js';
import { describeZodIssue } from './settings-issues.js';
import { createSettingsSchema, SlotSchema, type EditionLimits, type Settings } from './settings-schema.js';

export interface SettingsIssue {
  /** `actionUrls.slots[1].url` */
  path: string;
  message: string;
}

export class SettingsError extends CallhookError {
  constructor(readonly issues: SettingsIssue[]) {
    super('invalid_settings', `invalid settings:\n${issues.map((i) => `  ${issueLine(i)}`).join('\n')}`, {
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

/** One issue as a line: the message alone when it already names its field, else `path: message`. */
export function issueLine(issue: SettingsIssue): string {
  if (issue.path && issue.message.startsWith(issue.path)) return issue.message;
  return `${issue.path || '(root)'}: ${issue.message}`;
}

function zodIssue(issue: z.core.$ZodIssue, input: unknown, schema: z.ZodType): SettingsIssue {
  const path = formatPath(issue.path);
  return { path, message: describeZodIssue(issue, input, schema, path) };
}

/**
 * Validates a settings document and compiles its templates. Throws `SettingsError` naming every bad
 * field in one pass: the schema's issues and, beside them, the template errors of every slot whose own
 * fields are valid (a typo elsewhere in the file does not hide a bad placeholder).
 */
export function loadSettings(input: unknown, edition: EditionLimits = {}): LoadedSettings {
  const markers = markerPaths(input);
  if (markers.length > 0) {
    throw new SettingsError(
      markers.map((path) => ({
        path,
        message: '{"set": true} only stands for a secret callhook already keeps (control API, console); here write the value itself',
      })),
    );
  }
  const schema = createSettingsSchema(edition);
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => zodIssue(issue, input, schema));
    throw new SettingsError([...issues, ...templateIssuesOfValidSlots(input, issues)]);
  }
  const settings = parsed.data as Settings;
  const issues: SettingsIssue[] = [];
  const templates = settings.actionUrls.slots.map((slot, i) => {
    if (slot.url === '') return null;
    const compiled = compileSlotUrl(slot.url, i);
    if ('issue' in compiled) issues.push(compiled.issue);
    return 'template' in compiled ? compiled.template : null;
  });
  if (issues.length > 0) throw new SettingsError(issues);
  return { settings, templates };
}

function compileSlotUrl(url: string, index: number): { template: CompiledTemplate } | { issue: SettingsIssue } {
  try {
    return { template: compileTemplate(url) };
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    return { issue: { path: `actionUrls.slots[${index}].url`, message: error.message } };
  }
}

/** Template errors of the slots the schema found nothing wrong with (those with schema issues are reported by them). */
function templateIssuesOfValidSlots(input: unknown, schemaIssues: SettingsIssue[]): SettingsIssue[] {
  const slots = (input as { actionUrls?: { slots?: unknown } } | null)?.actionUrls?.slots;
  if (!Array.isArray(slots)) return [];
  return slots.flatMap((raw, i) => {
    const prefix = `actionUrls.slots[${i}]`;
    if (schemaIssues.some((issue) => issue.path === prefix || issue.path.startsWith(`${prefix}.`))) return [];
    const slot = SlotSchema.safeParse(raw);
    if (!slot.success || slot.data.url === '') return [];
    const compiled = compileSlotUrl(slot.data.url, i);
    return 'issue' in compiled ? [compiled.issue] : [];
  });
}

/** Parses JSON text first, so a syntax error is reported like any other settings issue, by line and column. */
export function loadSettingsText(text: string, edition?: EditionLimits): LoadedSettings {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const { line, column } = lineAndColumn(text, syntaxErrorOffset(text));
    const reason = withoutExcerpt((error as Error).message).replace(/ in JSON at position \d+.*$/s, '');
    throw new SettingsError([{ path: '', message: `not valid JSON at line ${line} column ${column}: ${reason}` }]);
  }
  return loadSettings(json, edition);
}

/**
 * Where JSON.parse gives up, found without a parser of our own: the shortest prefix that fails with
 * another error than running out of text (V8: "Unexpected end", or a position at its end) (parsing goes left to right, so every longer prefix fails
 * too) ends at the offending character. V8 names the position for some errors only.
 */
function syntaxErrorOffset(text: string): number {
  const bad = (length: number): boolean => {
    try {
      JSON.parse(text.slice(0, length));
      return false;
    } catch (error) {
      const message = (error as Error).message;
      const at = / at position (\d+)/.exec(message);
      // Running out of text: "Unexpected end", or a position at the very end of the prefix.
      return !/Unexpected end of JSON input/.test(message) && (!at || Number(at[1]) < length);
    }
  };
  if (!bad(text.length)) return text.length;
  let low = 1;
  let high = text.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (bad(mid)) high = mid;
    else low = mid + 1;
  }
  return low - 1;
}

/** 1-based line and column of a character offset. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

/**
 * V8's JSON.parse messages may quote the text around the error (`Unexpected token 'h', "hunter2" is
 * not valid JSON`), which can be a token or a password: the quote is dropped, the reason kept.
 */
function withoutExcerpt(message: string): string {
  const quoted = /^(.*?), ".*" is not valid JSON$/s.exec(message);
  return quoted ? quoted[1]! : message;
}
