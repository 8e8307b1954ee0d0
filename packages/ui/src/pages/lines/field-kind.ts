/** A JSON Schema as the server publishes it (draft 2020-12, from zod); only what the editor reads. */
export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
}

/** How the editor shows one settings field. */
export type FieldKind =
  | { kind: 'secret' }
  | { kind: 'boolean' }
  | { kind: 'integer' | 'number'; min?: number; max?: number }
  | { kind: 'choice'; options: string[] }
  | { kind: 'text' }
  | { kind: 'list' }
  /** An object with named fields (a desk phone's `callback`): one sub-field each. */
  | { kind: 'object' }
  /** Anything else (objects, mixed unions) is edited as JSON text. */
  | { kind: 'json' };

/** The schema without a `null` alternative, and whether null is allowed. */
export function withoutNull(schema: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  const others = schema.anyOf?.filter((s) => s.type !== 'null');
  if (others && others.length !== schema.anyOf!.length && others.length === 1) return { schema: { ...schema, ...others[0], anyOf: undefined }, nullable: true };
  if (Array.isArray(schema.type) && schema.type.includes('null')) {
    const rest = schema.type.filter((t) => t !== 'null');
    return { schema: { ...schema, type: rest.length === 1 ? rest[0] : rest }, nullable: true };
  }
  return { schema, nullable: false };
}

/** Picks the control for a field from its schema; `secret` when the line type lists it as write-only. */
export function fieldKind(raw: JsonSchema, secret: boolean): FieldKind {
  if (secret) return { kind: 'secret' };
  const { schema } = withoutNull(raw);
  if (schema.enum && schema.enum.every((v) => typeof v === 'string')) return { kind: 'choice', options: schema.enum as string[] };
  switch (schema.type) {
    case 'boolean':
      return { kind: 'boolean' };
    case 'integer':
    case 'number':
      return {
        kind: schema.type,
        ...(schema.minimum === undefined ? {} : { min: schema.minimum }),
        ...(schema.maximum === undefined ? {} : { max: schema.maximum }),
      };
    case 'string':
      return { kind: 'text' };
    case 'array':
      return schema.items?.type === 'string' ? { kind: 'list' } : { kind: 'json' };
    case 'object':
      return schema.properties && Object.keys(schema.properties).length > 0 ? { kind: 'object' } : { kind: 'json' };
    default:
      return { kind: 'json' };
  }
}

/** A new line of a type: every field with a default gets it, `type` and `id` set. */
export function newLine(type: string, id: string, schema: JsonSchema): Record<string, unknown> {
  const line: Record<string, unknown> = { id, type };
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    if (name !== 'type' && field.default !== undefined) line[name] = structuredClone(field.default);
  }
  return line;
}

/** An id no line has yet: `line-2`, `line-3`, … */
export function freeLineId(taken: readonly string[]): string {
  for (let n = taken.length + 1; ; n++) if (!taken.includes(`line-${n}`)) return `line-${n}`;
}
