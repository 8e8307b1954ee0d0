import { useEffect, useState } from 'react';
import { isSecretMarker, type SecretMarker } from '@callhook/core';

export interface SecretFieldProps {
  id: string;
  /** What the secret is, e.g. "Authorization header" or "Signing secret". */
  label: string;
  /** `{"set": true}` while the stored secret is kept, or the new value being typed. */
  value: string | SecretMarker;
  onChange(value: string | SecretMarker): void;
  onRemove(): void;
}

/**
 * A write-only secret: the engine only says it is set, so the field shows "set" with Replace and
 * Remove, never a value. Replace opens an empty password field (the draft holds "" until something is
 * typed); "Keep stored" puts the marker back. After Apply the engine answers the marker again, and the
 * field shows "set".
 */
export function SecretField({ id, label, value, onChange, onRemove }: SecretFieldProps) {
  const stored = isSecretMarker(value);
  const [hadStored, setHadStored] = useState(stored);
  useEffect(() => {
    if (stored) setHadStored(true);
  }, [stored]);
  return (
    <div className="row inline secret">
      {stored ? (
        <span id={`${id}-state`}>
          {label}: <strong>set</strong> <span className="muted">(hidden)</span>
        </span>
      ) : (
        <>
          <label htmlFor={id}>New {label}</label>
          <input
            id={id}
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={typeof value === 'string' ? value : ''}
            onChange={(e) => onChange(e.target.value)}
          />
        </>
      )}
      {stored && (
        <button type="button" onClick={() => onChange('')} aria-describedby={`${id}-state`}>
          Replace {label}
        </button>
      )}
      {!stored && hadStored && (
        <button type="button" onClick={() => onChange({ set: true })}>
          Keep stored {label}
        </button>
      )}
      <button type="button" onClick={onRemove}>
        Remove {label}
      </button>
    </div>
  );
}
