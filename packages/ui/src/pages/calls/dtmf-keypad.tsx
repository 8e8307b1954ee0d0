import { useState } from 'react';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

/** In-call keypad: each key sends its tone at once (a `dtmf` command), e.g. for a voice menu. */
export function DtmfKeypad({ who, onDigit }: { who: string; onDigit(digit: string): void }) {
  const [open, setOpen] = useState(false);
  return (
    <span className="dtmf">
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)} aria-label={`Keypad for call with ${who}`}>
        Keypad
      </button>
      {open && (
        <span className="keys dtmf-keys" role="group" aria-label={`Tones to ${who}`}>
          {KEYS.map((key) => (
            <button key={key} type="button" onClick={() => onDigit(key)} aria-label={`Tone ${key}`}>
              {key}
            </button>
          ))}
        </span>
      )}
    </span>
  );
}
