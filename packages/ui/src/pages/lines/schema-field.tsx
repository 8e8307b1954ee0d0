import { useState } from 'react';
import { isSecretMarker, type SecretMarker } from '@callhook/core';
import { SecretField } from '../../components/secret-field.js';
import { fieldKind, withoutNull, type JsonSchema } from './field-kind.js';

export interface SchemaFieldProps {
  id: string;
  name: string;
  schema: JsonSchema;
  secret: boolean;
  value: unknown;
  onChange(value: unknown): void;
}

/** One settings field of a line, its control chosen from its JSON Schema (see `fieldKind`). */
export function SchemaField({ id, name, schema, secret, value, onChange }: SchemaFieldProps) {
  const kind = fieldKind(schema, secret);
  const { nullable } = withoutNull(schema);
  const hint = schema.description ? <span className="muted hint">{schema.description}</span> : null;
  if (kind.kind === 'secret') {
    const current = isSecretMarker(value) ? value : typeof value === 'string' ? value : '';
    return (
      <div className="row">
        <SecretField id={id} label={name} value={current as string | SecretMarker} onChange={onChange} onRemove={() => onChange(nullable ? null : '')} />
        {hint}
      </div>
    );
  }
  if (kind.kind === 'boolean') {
    return (
      <div className="row">
        <label>
          <input id={id} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} /> {name}
        </label>
        {hint}
      </div>
    );
  }
  return (
    <div className="row">
      <label htmlFor={id}>{name}</label>
      <TextControl id={id} kind={kind} nullable={nullable} value={value} onChange={onChange} />
      {hint}
    </div>
  );
}

interface TextControlProps {
  id: string;
  kind: ReturnType<typeof fieldKind>;
  nullable: boolean;
  value: unknown;
  onChange(value: unknown): void;
}

/** Text, number, choice, list (one per line) or JSON: the text is kept while it does not parse, with the reason. */
function TextControl({ id, kind, nullable, value, onChange }: TextControlProps) {
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
  const described = problem ? `${id}-problem` : undefined;
  let control;
  if (kind.kind === 'choice') {
    control = (
      <select id={id} value={text} onChange={(e) => commit(e.target.value)}>
        {nullable || value === undefined ? <option value="">(none)</option> : null}
        {kind.options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    );
  } else if (kind.kind === 'list' || kind.kind === 'json') {
    control = <textarea id={id} rows={kind.kind === 'json' ? 4 : 3} value={text} onChange={(e) => commit(e.target.value)} aria-describedby={described} />;
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
        aria-invalid={problem ? true : undefined}
      />
    );
  }
  return (
    <>
      {control}
      {problem && (
        <span id={described} className="bad">
          {problem}
        </span>
      )}
    </>
  );
}
