import { useEffect, useState } from 'react';

export interface ListFieldProps {
  id: string;
  label: string;
  values: string[];
  onChange(values: string[]): void;
  hint: string;
  /** What the engine said about this field at the last Apply; shown under it and read with it. */
  error?: string | null;
}

const toText = (values: string[]) => values.join('\n');
const toValues = (text: string) =>
  text
    .split(/[\n,]/)
    .map((v) => v.trim())
    .filter((v) => v !== '');

/** A list setting edited as text, one entry per line. */
export function ListField({ id, label, values, onChange, hint, error = null }: ListFieldProps) {
  const [text, setText] = useState(toText(values));
  // Discard and Apply replace `values`; keep the text while it still means the same list.
  useEffect(() => setText((current) => (toText(toValues(current)) === toText(values) ? current : toText(values))), [values]);
  return (
    <div className="row">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        rows={3}
        value={text}
        spellCheck={false}
        aria-invalid={error !== null}
        aria-describedby={error === null ? `${id}-hint` : `${id}-error ${id}-hint`}
        onChange={(event) => {
          setText(event.target.value);
          onChange(toValues(event.target.value));
        }}
      />
      {error !== null && (
        <p id={`${id}-error`} className="bad hint">
          {error}
        </p>
      )}
      <p id={`${id}-hint`} className="muted hint">
        {hint}
      </p>
    </div>
  );
}
