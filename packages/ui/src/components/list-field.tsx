import { useEffect, useState } from 'react';

export interface ListFieldProps {
  id: string;
  label: string;
  values: string[];
  onChange(values: string[]): void;
  hint: string;
}

const toText = (values: string[]) => values.join('\n');
const toValues = (text: string) => text.split(/[\n,]/).map((v) => v.trim()).filter((v) => v !== '');

/** A list setting edited as text, one entry per line. */
export function ListField({ id, label, values, onChange, hint }: ListFieldProps) {
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
        aria-describedby={`${id}-hint`}
        onChange={(event) => {
          setText(event.target.value);
          onChange(toValues(event.target.value));
        }}
      />
      <p id={`${id}-hint`} className="muted hint">
        {hint}
      </p>
    </div>
  );
}
