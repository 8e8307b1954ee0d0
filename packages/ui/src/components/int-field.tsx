import { useEffect, useState } from 'react';

export interface IntFieldProps {
  id: string;
  value: number;
  min: number;
  max: number;
  /** Shown while the field is empty: e.g. the default the engine takes, "8 (default)". */
  placeholder?: string;
  onChange(value: number): void;
}

/**
 * A whole-number field that can be emptied while typing: the text is its own, and each whole number
 * typed is passed on (the engine checks the range on Apply and names the field when it is out).
 */
export function IntField({ id, value, min, max, placeholder, onChange }: IntFieldProps) {
  const [text, setText] = useState(String(value));
  useEffect(() => {
    setText((current) => (Number(current) === value && current.trim() !== '' ? current : String(value)));
  }, [value]);
  return (
    <input
      id={id}
      type="number"
      inputMode="numeric"
      min={min}
      max={max}
      placeholder={placeholder}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        if (/^\d+$/.test(e.target.value.trim())) onChange(Number(e.target.value.trim()));
      }}
    />
  );
}
