import { useState } from 'react';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

/**
 * A number field with a keypad; Enter or the Call button dials. With more than one line, a Line
 * picker says which line dials (`null`: the first line, as make_call without `line`).
 */
export function DialPad({ onDial, lines = [] }: { onDial(target: string, line: string | null): void; lines?: string[] }) {
  const [number, setNumber] = useState('');
  const [line, setLine] = useState<string | null>(null);
  const dial = () => {
    if (number.trim() !== '') onDial(number.trim(), line);
  };
  return (
    <form
      className="dial-pad"
      aria-labelledby="dial-title"
      onSubmit={(event) => {
        event.preventDefault();
        dial();
      }}
    >
      <h2 id="dial-title">Dial</h2>
      <label htmlFor="dial-number">Number or SIP address</label>
      <input id="dial-number" value={number} onChange={(e) => setNumber(e.target.value)} inputMode="tel" autoComplete="off" />
      {lines.length > 1 && (
        <>
          <label htmlFor="dial-line">Line</label>
          <select id="dial-line" value={line ?? lines[0]} onChange={(e) => setLine(e.target.value)}>
            {lines.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </>
      )}
      <div className="keys" role="group" aria-label="Keypad">
        {KEYS.map((key) => (
          <button key={key} type="button" onClick={() => setNumber((n) => n + key)} aria-label={`Digit ${key}`}>
            {key}
          </button>
        ))}
      </div>
      <div className="row inline">
        <button type="submit" className="primary" disabled={number.trim() === ''}>
          Call
        </button>
        <button type="button" onClick={() => setNumber((n) => n.slice(0, -1))} disabled={number === ''} aria-label="Delete last digit">
          ⌫
        </button>
      </div>
    </form>
  );
}
