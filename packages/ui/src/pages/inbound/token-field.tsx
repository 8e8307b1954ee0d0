import { useState } from 'react';
import { CopyButton } from '../../components/copy-button.js';
import { generateToken } from './example-urls.js';

export interface TokenFieldProps {
  token: string | null;
  onChange(token: string | null): void;
}

/** The inbound token: hidden by default, shown on request, copied, regenerated or removed. */
export function TokenField({ token, onChange }: TokenFieldProps) {
  const [visible, setVisible] = useState(false);
  return (
    <fieldset className="token">
      <legend>Token</legend>
      <p id="token-hint" className="muted hint">
        With a token, every request must send <code>Authorization: Bearer &lt;token&gt;</code> or <code>token=&lt;token&gt;</code>.
      </p>
      <div className="row inline">
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
        <button type="button" onClick={() => onChange(generateToken())}>
          {token === null ? 'Generate token' : 'Regenerate'}
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
