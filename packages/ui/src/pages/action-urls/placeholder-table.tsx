import { compileTemplate, expansionContext, PLACEHOLDER_DESCRIPTIONS, PLACEHOLDERS, type PlaceholderName } from '@callhook/core';
import { sampleCallFor, sampleEventTime } from './sample-call.js';

const UTC: (epochMs: number) => number = () => 0;

/**
 * What `<$name>` expands to for the manual's example call (its disconnected event, so every time is
 * set), as the receiver reads it (percent-decoded).
 */
export function exampleValue(name: PlaceholderName): string {
  const context = expansionContext({ action: 'disconnected', call: sampleCallFor('disconnected'), at: sampleEventTime('disconnected') }, UTC);
  return decodeURIComponent(compileTemplate(`http://x/?v=<$${name}>`).expand(context).slice('http://x/?v='.length));
}

/** The manual's "description of all URL placeholders", below the slots: name, meaning, example. */
export function PlaceholderTable() {
  return (
    <details className="placeholders" open>
      <summary>URL placeholders</summary>
      <table className="reflow">
        <thead>
          <tr>
            <th scope="col">Placeholder</th>
            <th scope="col">Meaning</th>
            <th scope="col">Example</th>
          </tr>
        </thead>
        <tbody>
          {PLACEHOLDERS.map((name) => (
            <tr key={name}>
              <td data-label="Placeholder">
                <code>{`<$${name}>`}</code>
              </td>
              <td data-label="Meaning">{PLACEHOLDER_DESCRIPTIONS[name]}</td>
              <td data-label="Example">
                <code>{exampleValue(name)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">
        <code>{'<base64($name)>'}</code> inserts a value Base64-encoded (URL-safe), e.g. <code>{'<base64($remote_alias)>'}</code> for a name with special
        characters. Values are percent-encoded in the URL.
      </p>
    </details>
  );
}
