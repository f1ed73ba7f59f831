/** Sign in. In development the server mints a token for a name; elsewhere tokens come from the identity provider. */
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { apiPost, newIntentKey } from '../lib/api.js';
import type { DevLogin } from '../lib/types.js';
import { useApp } from '../app.js';
import { ErrorNote } from '../components.js';

export function LoginPage() {
  const { config, session, signIn } = useApp();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const login = useMutation({
    mutationFn: async (who: string) =>
      (await apiPost<DevLogin>('/dev/login', { name: who }, newIntentKey())).body,
    onSuccess: (answer) => {
      signIn(answer);
      void navigate('/wallet');
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() !== '') login.mutate(name.trim());
  };
  return (
    <>
      <h1>Sign in</h1>
      {session ? <p>You are signed in as {session.name}.</p> : null}
      {config.devLogin ? (
        <form onSubmit={submit} className="stack">
          <p className="muted">Development sign-in: pick any name; the same name is the same user.</p>
          <label htmlFor="login-name">Your name</label>
          <input
            id="login-name"
            name="name"
            autoComplete="username"
            value={name}
            onChange={(event) => setName(event.target.value)}
            required
            maxLength={64}
          />
          <div className="row">
            <button type="submit" disabled={login.isPending}>
              Sign in
            </button>
            <button type="button" onClick={() => login.mutate('alice')} disabled={login.isPending}>
              Sign in as alice
            </button>
            <button type="button" onClick={() => login.mutate('bob')} disabled={login.isPending}>
              Sign in as bob
            </button>
          </div>
          <ErrorNote error={login.error} />
        </form>
      ) : (
        <p>
          Sign-in tokens come from the platform&apos;s identity provider. Open DBay from your account page
          there to sign in.
        </p>
      )}
      <p className="muted">
        Your sign-in lasts until you close this tab or sign out; nothing is kept after that.
      </p>
    </>
  );
}
