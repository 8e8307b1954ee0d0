import { useState } from 'react';
import { ClientError, errorMessage } from '../../client/client-error.js';
import type { EngineClient, LineSetup } from '../../client/engine-client.js';
import { CopyButton } from '../../components/copy-button.js';

export interface PhoneSetupProps {
  client: EngineClient;
  /** The id of the desk-phone line as it is applied (the engine knows running lines only). */
  lineId: string;
  /** The Lines page has edits not applied yet: the text is for the applied settings. */
  unapplied: boolean;
}

/**
 * "Set up phone" on a desk-phone line: asks the engine for the line's setup text (`GET
 * /api/v1/lines/:id/setup`, or the desktop's IPC) and shows it, copyable: the settings to enter on the
 * phone, the allow-list entry and the prompt to switch off. The text holds the line's secret, so it is
 * only fetched on request; the page remounts this after each Apply, so no stale text stays shown.
 */
export function PhoneSetup({ client, lineId, unapplied }: PhoneSetupProps) {
  const [setup, setSetup] = useState<LineSetup | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  if (!client.getLineSetup) {
    return <p className="muted">To set up the phone, run: callhook phone setup --line {lineId}</p>;
  }
  const getLineSetup = client.getLineSetup.bind(client);
  const load = async () => {
    setLoading(true);
    setProblem(null);
    try {
      setSetup(await getLineSetup(lineId));
    } catch (error) {
      setSetup(null);
      setProblem(
        error instanceof ClientError && error.code === 'no_such_line'
          ? `Line ${lineId} is not running yet. Apply it first, then set up the phone.`
          : `Could not get the setup text: ${errorMessage(error)}`,
      );
    } finally {
      setLoading(false);
    }
  };
  const regionId = `setup-${lineId}`;
  return (
    <div className="phone-setup">
      <div className="row inline">
        <button type="button" onClick={() => void load()} disabled={loading} aria-controls={setup ? regionId : undefined}>
          {loading ? 'Getting the setup text…' : 'Set up phone'}
        </button>
        {setup && (
          <button type="button" onClick={() => setSetup(null)}>
            Hide setup text
          </button>
        )}
      </div>
      {problem && (
        <p role="alert" className="bad">
          {problem}
        </p>
      )}
      {setup && (
        <section id={regionId} aria-label={`Phone setup for line ${lineId}`}>
          <p>
            Enter these settings on the phone&apos;s web page (or give them to whoever looks after the phone), so the phone tells callhook about its calls. They
            contain a secret of this line: share them only with the phone&apos;s administrator.
          </p>
          {unapplied && <p className="bad">You have changes that are not applied: this text is for the settings as they were last applied.</p>}
          <pre className="setup-text" tabIndex={0}>
            {setup.text}
          </pre>
          <CopyButton text={setup.text} label={`Copy the setup text of line ${lineId}`} />
          <p className="muted">
            Changing this line&apos;s url, password, account or callback changes these settings: after such a change, set up the phone again.
          </p>
        </section>
      )}
    </div>
  );
}
