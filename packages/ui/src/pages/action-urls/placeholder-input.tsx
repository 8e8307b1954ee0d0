import { useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { PLACEHOLDER_DESCRIPTIONS } from '@callhook/core';
import { completionQuery, insertPlaceholder, matchingPlaceholders, placeholderText, type CompletionQuery } from './placeholder-completion.js';

export interface PlaceholderInputProps {
  id: string;
  value: string;
  onChange(value: string): void;
  invalid: boolean;
  describedBy: string;
  /** Lets the slot move the caret to a template error. */
  inputRef?: RefObject<HTMLInputElement | null>;
}

interface OpenList {
  query: CompletionQuery;
  active: number;
}

/**
 * A URL field that offers placeholders while `<$` or `<base64($` is typed: an ARIA combobox whose
 * list is driven by arrow keys, Enter or Tab to insert, Escape to close.
 */
export function PlaceholderInput({ id, value, onChange, invalid, describedBy, inputRef }: PlaceholderInputProps) {
  const ownRef = useRef<HTMLInputElement | null>(null);
  const ref = inputRef ?? ownRef;
  const [list, setList] = useState<OpenList | null>(null);
  const options = list ? matchingPlaceholders(list.query.prefix) : [];
  const listId = `${id}-placeholders`;
  const open = list !== null && options.length > 0;

  const update = (next: string, caret: number) => {
    onChange(next);
    const query = completionQuery(next, caret);
    setList(query ? { query, active: 0 } : null);
  };

  const choose = (index: number) => {
    const input = ref.current;
    const name = options[index];
    if (!input || !list || !name) return;
    const inserted = insertPlaceholder(value, input.selectionStart ?? value.length, list.query, name);
    onChange(inserted.value);
    setList(null);
    requestAnimationFrame(() => input.setSelectionRange(inserted.caret, inserted.caret));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (!open || !list) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setList({ ...list, active: (list.active + step + options.length) % options.length });
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      event.preventDefault();
      choose(list.active);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      setList(null);
    }
  };

  return (
    <div className="combobox">
      <input
        id={id}
        ref={ref}
        type="text"
        className="url-input"
        spellCheck={false}
        autoComplete="off"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={open && list ? `${listId}-${list.active}` : undefined}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        value={value}
        placeholder="http://crm.example.com/call?from=<$remote_party>"
        onChange={(event) => update(event.target.value, event.target.selectionStart ?? event.target.value.length)}
        onKeyDown={onKeyDown}
        onBlur={() => setList(null)}
      />
      <ul id={listId} role="listbox" aria-label="Placeholders" className="completions" hidden={!open}>
        {open &&
          options.map((name, index) => (
            <li
              key={name}
              id={`${listId}-${index}`}
              role="option"
              aria-selected={index === list?.active}
              onMouseDown={(event) => {
                event.preventDefault();
                choose(index);
              }}
            >
              <code>{placeholderText(name, list?.query.base64 ?? false)}</code> <span>{PLACEHOLDER_DESCRIPTIONS[name]}</span>
            </li>
          ))}
      </ul>
    </div>
  );
}
