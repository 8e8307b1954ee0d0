import { useState } from 'react';
import { DEFAULT_SLOT_RETRIES, isSecretHeader, isSecretMarker, retrySchedule, type MaskedSlot } from '@callhook/core';
import { IntField } from '../../components/int-field.js';
import { SecretField } from '../../components/secret-field.js';

export interface DeliveryOptionsProps {
  /** `slot-1`: the prefix of every field id. */
  base: string;
  number: number;
  slot: MaskedSlot;
  update(patch: Partial<MaskedSlot>): void;
}

/**
 * How a slot delivers: method, timeout, retries with their back-off, extra headers (secret ones
 * write-only) and the signing secret. The engine validates the ranges on Apply and names any bad field.
 */
export function DeliveryOptions({ base, number, slot, update }: DeliveryOptionsProps) {
  const [headerName, setHeaderName] = useState('');
  const [headerValue, setHeaderValue] = useState('');
  const headers = Object.entries(slot.headers);
  // Secret headers (stored ones read {"set": true}) are write-only; the others are plain text fields.
  const secretHeaders = headers.filter(([name, value]) => isSecretMarker(value) || isSecretHeader(name));
  const plain = headers.filter(([name, value]) => !isSecretMarker(value) && !isSecretHeader(name));
  const withoutHeader = (name: string) => Object.fromEntries(headers.filter(([other]) => other !== name));
  const addHeader = () => {
    const name = headerName.trim();
    if (name === '') return;
    update({ headers: { ...slot.headers, [name]: headerValue } });
    setHeaderName('');
    setHeaderValue('');
  };
  return (
    <details className="delivery-options" open={headers.length > 0 || slot.secret !== null}>
      <summary>Delivery options of Action URL {number}</summary>
      <div className="grid">
        <label htmlFor={`${base}-method`}>Method</label>
        <select id={`${base}-method`} value={slot.method} onChange={(e) => update({ method: e.target.value as MaskedSlot['method'] })}>
          <option value="GET">GET</option>
          <option value="POST">POST (the call as JSON)</option>
        </select>
        <label htmlFor={`${base}-timeout`}>Timeout (ms)</label>
        <IntField id={`${base}-timeout`} min={100} max={120000} value={slot.timeoutMs} onChange={(timeoutMs) => update({ timeoutMs })} />
        <label htmlFor={`${base}-retries`}>Retries</label>
        <IntField
          id={`${base}-retries`}
          min={0}
          max={10}
          placeholder={`${DEFAULT_SLOT_RETRIES.max} (default)`}
          value={slot.retries.max}
          onChange={(max) => update({ retries: { ...slot.retries, max } })}
        />
        <label htmlFor={`${base}-backoff`}>First retry after (ms, doubling)</label>
        <IntField
          id={`${base}-backoff`}
          min={10}
          max={600000}
          placeholder={`${DEFAULT_SLOT_RETRIES.backoffMs} (default)`}
          value={slot.retries.backoffMs}
          onChange={(backoffMs) => update({ retries: { ...slot.retries, backoffMs } })}
        />
        <label htmlFor={`${base}-max-backoff`}>Longest wait between retries (ms)</label>
        <IntField
          id={`${base}-max-backoff`}
          min={10}
          max={600000}
          placeholder={`${DEFAULT_SLOT_RETRIES.maxBackoffMs} (default)`}
          value={slot.retries.maxBackoffMs}
          onChange={(maxBackoffMs) => update({ retries: { ...slot.retries, maxBackoffMs } })}
        />
      </div>
      <p className="muted" id={`${base}-retry-schedule`}>
        {retrySummary(slot.retries)}
      </p>
      <fieldset className="headers">
        <legend>Headers</legend>
        {plain.length === 0 && secretHeaders.length === 0 && <p className="muted">No extra headers.</p>}
        {plain.map(([name, value]) => (
          <div className="row inline" key={name}>
            <label htmlFor={`${base}-header-${name}`}>{name}</label>
            <input id={`${base}-header-${name}`} value={String(value)} onChange={(e) => update({ headers: { ...slot.headers, [name]: e.target.value } })} />
            <button type="button" onClick={() => update({ headers: withoutHeader(name) })}>
              Remove {name} header
            </button>
          </div>
        ))}
        <div className="row inline">
          <label htmlFor={`${base}-new-header-name`}>New header</label>
          <input id={`${base}-new-header-name`} value={headerName} onChange={(e) => setHeaderName(e.target.value)} placeholder="X-Api-Key" />
          <label htmlFor={`${base}-new-header-value`} className="visually-hidden">
            Value of the new header
          </label>
          <input id={`${base}-new-header-value`} value={headerValue} onChange={(e) => setHeaderValue(e.target.value)} placeholder="value" />
          <button type="button" onClick={addHeader} disabled={headerName.trim() === ''}>
            Add header
          </button>
        </div>
      </fieldset>
      {(secretHeaders.length > 0 || slot.secret !== null) && (
        <div className="secrets" role="group" aria-label={`Secrets of Action URL ${number}`}>
          {secretHeaders.map(([name, value]) => (
            <SecretField
              key={name}
              id={`${base}-header-${name}`}
              label={`${name} header`}
              value={value}
              onChange={(next) => update({ headers: { ...slot.headers, [name]: next } })}
              onRemove={() => update({ headers: withoutHeader(name) })}
            />
          ))}
          {slot.secret !== null && (
            <SecretField
              id={`${base}-secret`}
              label="signing secret"
              value={slot.secret}
              onChange={(secret) => update({ secret })}
              onRemove={() => update({ secret: null })}
            />
          )}
        </div>
      )}
      {slot.secret === null && (
        <button type="button" onClick={() => update({ secret: '' })}>
          Add signing secret
        </button>
      )}
      <p className="muted">
        With a signing secret each request carries an X-Callhook-Signature header (an HMAC-SHA256 of a timestamp and the body). Network errors, timeouts, 408,
        429 and 5xx are retried with the same Idempotency-Key (a Retry-After is honoured); other answers such as 404 are final.
      </p>
    </details>
  );
}

/** `1500` → "1.5 s", `60000` → "60 s", `180000` → "3 min". */
function seconds(ms: number): string {
  if (ms >= 120_000) return `${Math.round(ms / 6_000) / 10} min`;
  return `${Math.round(ms / 100) / 10} s`;
}

/**
 * The waits a slot's retries make, in words: "Retries after 1 s, 2 s, … (each ±20 %): the last about
 * 3 min after the first failure", so a user sees how long a receiver may be down before an event is lost.
 */
export function retrySummary(retries: MaskedSlot['retries']): string {
  if (retries.max === 0) return 'No retries: one failed attempt is final.';
  const waits = retrySchedule(retries);
  const total = waits.reduce((sum, wait) => sum + wait, 0);
  return `Retries after ${waits.map(seconds).join(', ')} (each ±20 %): the last about ${seconds(total)} after the first failure.`;
}
