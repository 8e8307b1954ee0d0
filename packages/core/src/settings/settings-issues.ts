import type * as z from 'zod';
import { isSecretHeader } from './secrets.js';

/**
 * Zod's issues in words a user understands: the field, what it takes and what the file gave
 * (`inbound.port must be a whole number between 1 and 65535, got "61234"`). Zod's own default texts
 * ("Invalid input: expected number, received string") are replaced; a schema's own message (written
 * for users, often with the fix) is kept and the given value added. A secret's value is never quoted.
 */
export function describeZodIssue(issue: z.core.$ZodIssue, input: unknown, schema: z.ZodType, fieldPath: string): string {
  const given = valueAt(input, issue.path);
  const secret = isSecretPath(issue.path);
  const got = `, got ${describeValue(given, secret)}`;
  const field = fieldPath || 'the settings';
  const own = !isZodDefaultMessage(issue.message);
  // A message written for users stays as it is, with what was given when that helps.
  if (own) {
    const valueIssue = ['invalid_type', 'too_small', 'too_big', 'invalid_value', 'invalid_format'].includes(issue.code);
    return valueIssue && given !== undefined ? `${issue.message}${got}` : issue.message;
  }
  switch (issue.code) {
    case 'unrecognized_keys':
      return `${field} has unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; remove it or check its spelling`;
    case 'invalid_key':
      return `${field}: ${issue.issues.map((inner) => inner.message).join('; ')}`;
    case 'invalid_type': {
      if (given === undefined) return `${field} is missing; add it (${expectedPhrase(issue.expected, schemaAt(schema, issue.path))})`;
      return `${field} must be ${expectedPhrase(issue.expected, schemaAt(schema, issue.path))}${got}`;
    }
    case 'too_small':
    case 'too_big': {
      const bound = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
      const atLeast = issue.code === 'too_small' ? 'at least' : 'at most';
      const unit =
        issue.origin === 'string' ? ' characters long' : issue.origin === 'array' || issue.origin === 'set' ? ` entr${bound === 1 ? 'y' : 'ies'}` : '';
      const verb = issue.origin === 'array' || issue.origin === 'set' ? 'must have' : 'must be';
      const number = schemaAt(schema, issue.path);
      const range = issue.origin === 'number' && number ? numberRange(number) : null;
      return range ? `${field} must be ${range}${got}` : `${field} ${verb} ${atLeast} ${bound}${unit}${got}`;
    }
    case 'invalid_value':
      return `${field} must be ${issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`}${got}`;
    case 'invalid_union': {
      const discriminator = (issue as { note?: string }).note === 'No matching discriminator' ? (issue as { discriminator?: string }).discriminator : undefined;
      if (discriminator) {
        // Zod points at the discriminator itself (`line.type`); the union is its parent.
        const atKey = issue.path[issue.path.length - 1] === discriminator;
        const unionPath = atKey ? issue.path.slice(0, -1) : issue.path;
        const options = discriminatorValues(schemaAt(schema, unionPath), discriminator);
        const name = atKey ? field : `${field}.${discriminator}`;
        const value = atKey ? given : valueAt(given, [discriminator]);
        return `${name} must be ${options.length > 0 ? `one of ${options.map((v) => JSON.stringify(v)).join(', ')}` : 'a known kind'}, got ${describeValue(value, false)}`;
      }
      return `${field} is not valid${got}`;
    }
    case 'invalid_format':
      return `${field} must be ${issue.format === 'regex' ? 'in the documented format' : `a valid ${issue.format}`}${got}`;
    default:
      return `${field}: ${issue.message}`;
  }
}

function isZodDefaultMessage(message: string): boolean {
  return /^(Invalid input|Invalid option|Too small|Too big|Invalid string|Invalid key|Unrecognized key|Invalid element|Invalid value|Invalid discriminator)/.test(
    message,
  );
}

function isSecretPath(path: readonly PropertyKey[]): boolean {
  return path.some(
    (key, i) =>
      (typeof key === 'string' && /token|password|secret/i.test(key)) || (path[i - 1] === 'headers' && typeof key === 'string' && isSecretHeader(key)),
  );
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** What the file gave, short: a quoted string (a secret only by its kind), a number, "a list", "an object". */
function describeValue(value: unknown, secret: boolean): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    if (secret) return `a string of ${value.length} characters`;
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  }
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return secret ? `a ${typeof value}` : String(value);
}

function expectedPhrase(expected: string, schema: z.ZodType | null): string {
  switch (expected) {
    case 'number':
    case 'int':
      return (schema && numberRange(schema)) ?? 'a number';
    case 'string':
      return 'a string in double quotes';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list [ … ]';
    case 'object':
      return 'an object { … }';
    default:
      return `a ${expected}`;
  }
}

/** "a whole number between 1 and 65535" from a zod number's bounds, when it has any. */
function numberRange(schema: z.ZodType): string | null {
  const number = schema as unknown as { minValue?: number | null; maxValue?: number | null; isInt?: boolean; _zod?: { def?: { type?: string } } };
  if (number._zod?.def?.type !== 'number') return null;
  const kind = number.isInt ? 'a whole number' : 'a number';
  const min = Number.isFinite(number.minValue) && Math.abs(number.minValue!) < Number.MAX_SAFE_INTEGER ? number.minValue : null;
  const max = Number.isFinite(number.maxValue) && Math.abs(number.maxValue!) < Number.MAX_SAFE_INTEGER ? number.maxValue : null;
  if (min != null && max != null) return `${kind} between ${min} and ${max}`;
  if (min != null) return `${kind} of at least ${min}`;
  if (max != null) return `${kind} of at most ${max}`;
  return kind;
}

interface Def {
  type?: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
  discriminator?: string;
}

function defOf(schema: z.ZodType): Def {
  return ((schema as unknown as { _zod?: { def?: Def } })._zod?.def ?? {}) as Def;
}

/** Wrappers (optional, default, nullable, pipes) peeled off. */
function unwrap(schema: z.ZodType): z.ZodType {
  for (let i = 0; i < 16; i++) {
    const def = defOf(schema);
    const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    if (!inner) return schema;
    schema = inner;
  }
  return schema;
}

/** The schema of the field at `path`, best effort (null when the walk gets lost, e.g. in a union without a match). */
function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | null {
  let current: z.ZodType | null = unwrap(schema);
  for (const key of path) {
    if (!current) return null;
    const def = defOf(current);
    if (def.type === 'object' && typeof key === 'string') current = def.shape?.[key] ?? null;
    else if (def.type === 'array') current = def.element ?? null;
    else if (def.type === 'record') current = def.valueType ?? null;
    else if (def.type === 'union') current = (def.options ?? []).map((o) => schemaAt(o, [key])).find((s) => s !== null) ?? null;
    else return null;
    current = current ? unwrap(current) : null;
  }
  return current;
}

function discriminatorValues(schema: z.ZodType | null, discriminator: string): string[] {
  if (!schema) return [];
  const def = defOf(schema);
  if (def.type !== 'union') return [];
  return (def.options ?? []).flatMap((option) => {
    const field = defOf(option).shape?.[discriminator];
    const values = field ? (defOf(unwrap(field)) as { values?: unknown[] }).values : undefined;
    return (values ?? []).map(String);
  });
}
