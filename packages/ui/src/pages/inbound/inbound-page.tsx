import { useState } from 'react';
import { INBOUND_ACTIONS } from '@callhook/core';
import type { EngineClient } from '../../client/engine-client.js';
import { ApplyBar } from '../../components/apply-bar.js';
import { CopyButton } from '../../components/copy-button.js';
import { ListField } from '../../components/list-field.js';
import { SwitchField } from '../../components/switch-field.js';
import { fieldIssue } from '../../state/field-issue.js';
import { useSettingsSection } from '../../state/use-settings-section.js';
import { exampleUrls } from './example-urls.js';
import { TokenField } from './token-field.js';

/** Inbound Action URLs: the listener, its actions, token, allow-lists and example URLs. */
export function InboundPage({ client }: { client: EngineClient }) {
  const section = useSettingsSection(client, 'inbound');
  const [showToken, setShowToken] = useState(false);
  const { draft, setDraft } = section;
  if (draft === null) return <p role="status">{section.feedback?.message ?? 'Loading settings…'}</p>;
  // The token the examples may show, only when asked: a new one typed here, else the one this console signed in with.
  const knownToken = typeof draft.token === 'string' ? draft.token : draft.token === null ? null : client.signedInToken();
  const examples = exampleUrls(draft, showToken ? knownToken : null);
  const issues = section.feedback?.issues ?? [];
  const portError = fieldIssue(issues, 'inbound.port');

  return (
    <form
      className="page"
      aria-labelledby="inbound-title"
      onSubmit={(event) => {
        event.preventDefault();
        void section.apply();
      }}
    >
      <h1 id="inbound-title">Inbound Action URLs</h1>
      <SwitchField
        id="inbound-enabled"
        label="Enable Inbound Action URLs"
        checked={draft.enabled}
        onChange={(enabled) => setDraft((d) => ({ ...d, enabled }))}
        hint="Activates the processing of inbound Action URLs: GET /?action=some_kind_of_action&parameter=…"
      />
      <div className="row inline">
        <label htmlFor="inbound-port">TCP Port for receiving inbound Action URLs</label>
        <input
          id="inbound-port"
          type="number"
          min={1}
          max={65535}
          value={Number.isNaN(draft.port) ? '' : draft.port}
          onChange={(e) => setDraft((d) => ({ ...d, port: e.target.valueAsNumber }))}
          aria-invalid={portError !== null}
          aria-describedby={portError === null ? undefined : 'inbound-port-error'}
        />
        {portError !== null && (
          <p id="inbound-port-error" className="bad hint">
            {portError}
          </p>
        )}
      </div>
      <fieldset>
        <legend>Actions</legend>
        {INBOUND_ACTIONS.map((action) => (
          <SwitchField
            key={action}
            id={`inbound-action-${action}`}
            label={`Enable Inbound Action-URL "${action}"`}
            checked={draft.actions[action]}
            onChange={(on) => setDraft((d) => ({ ...d, actions: { ...d.actions, [action]: on } }))}
          />
        ))}
      </fieldset>
      <TokenField token={draft.token} onChange={(token) => setDraft((d) => ({ ...d, token }))} />
      <ListField
        id="inbound-listen"
        error={fieldIssue(issues, 'inbound.listen')}
        label="Listen addresses"
        values={draft.listen}
        onChange={(listen) => setDraft((d) => ({ ...d, listen }))}
        hint="IPv4 or IPv6 addresses, one per line (0.0.0.0 or :: for all)."
      />
      <ListField
        id="inbound-allow-from"
        error={fieldIssue(issues, 'inbound.allowFrom')}
        label="Allowed addresses"
        values={draft.allowFrom}
        onChange={(allowFrom) => setDraft((d) => ({ ...d, allowFrom }))}
        hint="Addresses or CIDR ranges that may send requests, one per line, e.g. 127.0.0.0/8."
      />
      <ListField
        id="inbound-allow-origins"
        error={fieldIssue(issues, 'inbound.allowOrigins')}
        label="Allowed origins"
        values={draft.allowOrigins}
        onChange={(allowOrigins) => setDraft((d) => ({ ...d, allowOrigins }))}
        hint="Web pages (scheme://host[:port]) whose links and scripts may control the phone, one per line."
      />
      <section aria-labelledby="examples-title">
        <h2 id="examples-title">Example URLs</h2>
        {draft.token !== null && (
          <p className="muted hint">
            {showToken ? 'The URLs show the token.' : 'The URLs show <your token> in place of the token.'}{' '}
            <button type="button" onClick={() => setShowToken(!showToken)} aria-pressed={showToken} disabled={knownToken === null}>
              {showToken ? 'Hide token in URLs' : 'Show token in URLs'}
            </button>
          </p>
        )}
        {examples.length === 0 ? (
          <p className="muted">Enable an action to see ready-to-copy URLs.</p>
        ) : (
          <ul className="examples">
            {examples.map((example) => (
              <li key={example.url}>
                <span className="tag">{example.family}</span> <code>{example.url}</code>{' '}
                <CopyButton text={example.url} label={`Copy ${example.action} URL for ${example.address}`} />
              </li>
            ))}
          </ul>
        )}
      </section>
      <ApplyBar dirty={section.dirty} saving={section.saving} feedback={section.feedback} onDiscard={section.discard} />
    </form>
  );
}
