import type { SaveFeedback } from '../state/use-settings-section.js';

export interface ApplyBarProps {
  dirty: boolean;
  saving: boolean;
  feedback: SaveFeedback | null;
  onDiscard(): void;
}

/** Apply and Discard, with the outcome of the last Apply (and every bad field it named). */
/** The Apply button submits the surrounding form, so Enter in a field applies as well. */
export function ApplyBar({ dirty, saving, feedback, onDiscard }: ApplyBarProps) {
  return (
    <div className="apply-bar">
      <button type="submit" className="primary" disabled={saving}>
        {saving ? 'Applying…' : 'Apply'}
      </button>
      <button type="button" onClick={onDiscard} disabled={!dirty || saving}>
        Discard changes
      </button>
      {dirty && <span className="muted">Unsaved changes</span>}
      <div role="status" aria-live="polite" className={feedback?.kind === 'error' ? 'bad' : 'good'}>
        {feedback?.message}
        {feedback && feedback.issues.length > 0 && (
          <ul>
            {feedback.issues.map((issue) => (
              <li key={`${issue.path}:${issue.message}`}>
                <code>{issue.path || '(settings)'}</code>: {issue.message}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
