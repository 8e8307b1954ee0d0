import { useState } from 'react';
import { isSecretMarker, type SecretMarker } from '@callhook/core';
import { CopyButton } from '../../components/copy-button.js';
import { generateToken } from './example-urls.js';

export interface TokenFieldProps {
  /** `{"set": true}` for the stored token (never shown), a new token not applied yet, or null. */
  token: string | SecretMarker | null;
  onChange(token: string | SecretMarker | null): void;
}

/**
 * The inbound token. A stored token is write-only: the field says it is set and offers Replace and
 * Remove. A new token (generated here, not applied yet) is hidden by default, shown on request and
 * copied, so it can be handed to whoever sends the requests before it is applied.
 */
export function TokenField({ token, onChange }: TokenFieldProps) {
  const [visible, setVisible] = useState(false);
  const stored = isSecretMarker(token);
  return (
    <fieldset className="token">
      <legend>Token</legend>
      <p id="token-hint" className="muted hint">
        With a token, every request must send <code>Authorization: Bearer &lt;token&gt;</code> or <code>token=&lt;token&gt;</code>.
        {stored && ' The stored token is never shown; replace it to get a new one you can copy.'}
      </p>
      <div className="row inline">
        {stored ? (
          <span id="inbound-token-state">
            Token: <strong>set</strong> <span className="muted">(hidden)</span>
          </span>
        ) : (
          <>
            <label htmlFor="inbound-token">Token</label>
            <input
              id="inbound-token"
              type={visible ? 'text' : 'password'}
              readOnly
              value={token ?? ''}
              placeholder="no token: anyone allowed by address may send commands"
              aria-describedby="token-hint"
              spellCheck={false}
            />
            <button type="button" onClick={() => setVisible(!visible)} aria-pressed={visible} disabled={token === null}>
              {visible ? 'Hide' : 'Show'}
            </button>
            {token !== null && <CopyButton text={token} label="Copy token" />}
          </>
        )}
        <button type="button" onClick={() => onChange(generateToken())}>
          {token === null ? 'Generate token' : stored ? 'Replace token' : 'Regenerate'}
        </button>
        {token !== null && (
          <button type="button" onClick={() => onChange(null)}>
            Remove token
          </button>
        )}
      </div>
    </fieldset>
  );
}
