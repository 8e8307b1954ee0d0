import { useState, type ReactNode } from 'react';
import { isSecretMarker, type SecretMarker } from '@callhook/core';
import type { ClientIssue } from '../../client/client-error.js';
import { SecretField } from '../../components/secret-field.js';
import { fieldIssue } from '../../state/field-issue.js';
import { fieldKind, withoutNull, type JsonSchema } from './field-kind.js';

export interface SchemaFieldProps {
  id: string;
  name: string;
  schema: JsonSchema;
  secret: boolean;
  value: unknown;
  onChange(value: unknown): void;
  /** The field's settings path, e.g. `lines[1].callback`: the issues of the last Apply are matched against it. */
  path?: string;
  /** What the last Apply refused (each names its field and the fix); those of this field show beside it. */
  issues?: readonly ClientIssue[];
  /** The type requires this field (the engine refuses the line without it); inside an object, only once the object is in use. */
  required?: boolean;
}

/**
 * One settings field of a line, its control chosen from its JSON Schema (see `fieldKind`). An object
 * with named fields (a desk phone's `callback`) is a group of sub-fields; the engine's message for a
 * field the last Apply refused shows beside it.
 */
export function SchemaField({ id, name, schema, secret, value, onChange, path = name, issues = [], required = false }: SchemaFieldProps) {
  const kind = fieldKind(schema, secret);
  const { nullable, schema: plain } = withoutNull(schema);
  const hint = schema.description ? <span className="muted hint">{schema.description}</span> : null;
  const issue = fieldIssue(issues, path);
  const issueId = `${id}-issue`;
  const problem = issue ? (
    <span id={issueId} className="bad">
      {issue}
    </span>
  ) : null;
  const need = required ? <span className="muted"> (required)</span> : null;
  if (kind.kind === 'object') {
    return (
      <ObjectField
        id={id}
        name={name}
        schema={plain}
        nullable={nullable}
        value={value}
        onChange={onChange}
        path={path}
        issues={issues}
        need={need}
        hint={hint}
      />
    );
  }
  if (kind.kind === 'secret') {
    const current = isSecretMarker(value) ? value : typeof value === 'string' ? value : '';
    return (
      <div className="row">
        <SecretField id={id} label={name} value={current as string | SecretMarker} onChange={onChange} onRemove={() => onChange(nullable ? null : '')} />
        {hint}
        {problem}
      </div>
    );
  }
  if (kind.kind === 'boolean') {
    return (
      <div className="row">
        <label>
          <input
            id={id}
            type="checkbox"
            checked={value === true}
            onChange={(e) => onChange(e.target.checked)}
            aria-describedby={issue ? issueId : undefined}
            aria-invalid={issue ? true : undefined}
          />{' '}
          {name}
        </label>
        {hint}
        {problem}
      </div>
    );
  }
  return (
    <div className="row">
      <label htmlFor={id}>
        {name}
        {need}
      </label>
      <TextControl id={id} kind={kind} nullable={nullable} value={value} onChange={onChange} issueId={issue ? issueId : undefined} />
      {hint}
      {problem}
    </div>
  );
}

interface ObjectFieldProps {
  id: string;
  name: string;
  /** The object's schema without its null alternative. */
  schema: JsonSchema;
  nullable: boolean;
  value: unknown;
  onChange(value: unknown): void;
  path: string;
  issues: readonly ClientIssue[];
  need: ReactNode;
  hint: ReactNode;
}

/**
 * An object's named fields as a group. Typing into any sub-field creates the object; clearing every
 * one removes it again (null where the schema allows it), so an optional object is only sent when used.
 */
function ObjectField({ id, name, schema, nullable, value, onChange, path, issues, need, hint }: ObjectFieldProps) {
  const current = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const required = new Set(schema.required ?? []);
  const issue = fieldIssue(
    issues.filter((i) => i.path === path),
    path,
  );
  return (
    <fieldset className="object-field" aria-labelledby={`${id}-legend`}>
      <legend id={`${id}-legend`}>
        {name}
        {need}
      </legend>
      {hint}
      {issue && <p className="bad">{issue}</p>}
      {Object.entries(schema.properties ?? {}).map(([field, fieldSchema]) => (
        <SchemaField
          key={field}
          id={`${id}-${field}`}
          name={`${name}.${field}`}
          schema={fieldSchema}
          secret={false}
          value={current[field]}
          path={`${path}.${field}`}
          issues={issues}
          required={required.has(field) && Object.keys(current).length > 0}
          onChange={(next) => {
            const updated: Record<string, unknown> = { ...current, [field]: next };
            if (next === undefined) delete updated[field];
            onChange(Object.keys(updated).length > 0 ? updated : nullable ? null : undefined);
          }}
        />
      ))}
    </fieldset>
  );
}

interface TextControlProps {
  id: string;
  kind: ReturnType<typeof fieldKind>;
  nullable: boolean;
  value: unknown;
  onChange(value: unknown): void;
  /** The element holding the engine's message for this field, when the last Apply refused it. */
  issueId?: string | undefined;
}

/** Text, number, choice, list (one per line) or JSON: the text is kept while it does not parse, with the reason. */
function TextControl({ id, kind, nullable, value, onChange, issueId }: TextControlProps) {
  const shown = (v: unknown) =>
    v === null || v === undefined
      ? ''
      : kind.kind === 'list' && Array.isArray(v)
        ? v.join('\n')
        : kind.kind === 'json'
          ? JSON.stringify(v, null, 2)
          : String(v);
  const [text, setText] = useState(() => shown(value));
  const [problem, setProblem] = useState<string | null>(null);
  // What this control last passed on: a different value from outside (Discard, Apply) resets the text.
  const [sent, setSent] = useState<unknown>(value);
  if (JSON.stringify(value) !== JSON.stringify(sent)) {
    setSent(value);
    setText(shown(value));
    setProblem(null);
  }
  const pass = (next: unknown) => {
    setSent(next);
    onChange(next);
  };
  const commit = (next: string) => {
    setText(next);
    setProblem(null);
    if (next.trim() === '' && nullable) return pass(null);
    if (kind.kind === 'integer' || kind.kind === 'number') {
      const number = Number(next);
      if (next.trim() === '' || Number.isNaN(number)) return setProblem('write a number');
      return pass(number);
    }
    if (kind.kind === 'list')
      return pass(
        next
          .split('\n')
          .map((line) => line.trim())
          .filter((line) => line !== ''),
      );
    if (kind.kind === 'json') {
      try {
        return pass(next.trim() === '' ? undefined : JSON.parse(next));
      } catch (error) {
        return setProblem(`not JSON yet: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return pass(next === '' && value === undefined ? undefined : next);
  };
  const described = [problem ? `${id}-problem` : null, issueId ?? null].filter((part) => part !== null).join(' ') || undefined;
  const invalid = problem || issueId ? true : undefined;
  let control;
  if (kind.kind === 'choice') {
    control = (
      <select id={id} value={text} onChange={(e) => commit(e.target.value)} aria-describedby={described} aria-invalid={invalid}>
        {nullable || value === undefined ? <option value="">(none)</option> : null}
        {kind.options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    );
  } else if (kind.kind === 'list' || kind.kind === 'json') {
    control = (
      <textarea
        id={id}
        rows={kind.kind === 'json' ? 4 : 3}
        value={text}
        onChange={(e) => commit(e.target.value)}
        aria-describedby={described}
        aria-invalid={invalid}
      />
    );
  } else {
    const numeric = kind.kind === 'integer' || kind.kind === 'number';
    control = (
      <input
        id={id}
        type={numeric ? 'number' : 'text'}
        min={numeric ? kind.min : undefined}
        max={numeric ? kind.max : undefined}
        value={text}
        onChange={(e) => commit(e.target.value)}
        aria-describedby={described}
        aria-invalid={invalid}
      />
    );
  }
  return (
    <>
      {control}
      {problem && (
        <span id={`${id}-problem`} className="bad">
          {problem}
        </span>
      )}
    </>
  );
}
