import { useId, useState, type FormEvent } from 'react';

export interface SignInProps {
  /** `missing`: the console sent no token; `wrong`: the engine refused the one it sent. */
  reason: 'missing' | 'wrong';
  onSignIn(token: string): void;
}

/** Shown instead of the pages when the engine answers 401: one field for the listener's token. */
export function SignIn({ reason, onSignIn }: SignInProps) {
  const [token, setToken] = useState('');
  const id = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (token.trim() !== '') onSignIn(token.trim());
  };
  return (
    <form className="page sign-in" aria-labelledby={`${id}-title`} onSubmit={submit}>
      <h1 id={`${id}-title`}>Sign in</h1>
      <p className={reason === 'wrong' ? 'bad' : undefined} role="status">
        {reason === 'wrong'
          ? 'The engine refused this token. Enter the token from inbound.token in the settings file.'
          : 'This engine needs its token. Enter the token from inbound.token in the settings file (the banner of callhook serve shows where it is).'}
      </p>
      <div className="row">
        <label htmlFor={`${id}-token`}>Token</label>
        <input id={`${id}-token`} type="password" autoComplete="current-password" value={token} onChange={(e) => setToken(e.target.value)} required />
      </div>
      <button type="submit" className="primary" disabled={token.trim() === ''}>
        Sign in
      </button>
    </form>
  );
}
