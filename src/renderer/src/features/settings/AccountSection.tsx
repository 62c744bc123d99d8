import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useStore } from '../../app/store';
import { plural } from '../../ui/format';
import { Icon } from '../../ui/Icon';

/**
 * Signing in to a server with user accounts (InvokeAI 6.12+ multi-user mode): who is signed in,
 * a sign-out, or an e-mail and password form. Main keeps the token; this never sees it. On a
 * single-user server there is nothing to show.
 */
export function AccountSection() {
  const account = useStore((s) => s.account);
  const loadAccount = useStore((s) => s.loadAccount);
  const signIn = useStore((s) => s.signIn);
  const signOut = useStore((s) => s.signOut);
  const signInReason = useStore((s) => (s.status?.sign_in_required ? s.status.message : null));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [rememberMe, setRememberMe] = useState(false);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [confirmingSignOut, setConfirmingSignOut] = useState(false);
  const queued = useStore((s) => s.status?.outbox ?? 0);
  const stayButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    void loadAccount();
  }, [loadAccount]);
  // The "Sign out…" button gives way to the choices: keep the keyboard's place on the safe one.
  useEffect(() => {
    if (confirmingSignOut) stayButton.current?.focus();
  }, [confirmingSignOut]);

  if (account === null) {
    return (
      <section className="settings-section" aria-labelledby="settings-account">
        <h3 id="settings-account">Account</h3>
        <p className="hint">Asking the server whether it has user accounts…</p>
      </section>
    );
  }
  if (account.mode !== 'multi_user') return null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy || !email.trim() || !password) return;
    setBusy(true);
    const problem = await signIn({ email: email.trim(), password, remember_me: rememberMe });
    setBusy(false);
    setRefusal(problem);
    if (problem === null) setPassword('');
  };

  const signOutWith = (removeCache: boolean) => {
    setBusy(true);
    void signOut(removeCache).finally(() => {
      setBusy(false);
      setConfirmingSignOut(false);
    });
  };

  if (account.user && !account.sign_in_required) {
    const { user } = account;
    return (
      <section className="settings-section" aria-labelledby="settings-account">
        <h3 id="settings-account">Account</h3>
        <div className="settings-account-row">
          <p>
            Signed in as <strong>{user.display_name ?? user.email}</strong>
            {user.display_name && <span className="settings-account-email"> ({user.email})</span>}
            {user.is_admin && <span className="settings-account-role"> · administrator</span>}
          </p>
          {!confirmingSignOut && (
            <button type="button" className="button" onClick={() => setConfirmingSignOut(true)}>
              Sign out…
            </button>
          )}
        </div>
        {confirmingSignOut && (
          <div className="settings-sign-out" role="group" aria-label="Sign out">
            <p>
              Your cached gallery stays on this computer for your next sign-in, unless you remove it. Nobody else signed in here sees it
              either way.
              {queued > 0 &&
                ` ${plural(queued, 'queued change')} in it ${queued === 1 ? 'is' : 'are'} sent when you sign in again, or lost if you remove it.`}
            </p>
            <div className="settings-sign-out-choices">
              <button type="button" ref={stayButton} className="button" disabled={busy} onClick={() => setConfirmingSignOut(false)}>
                Stay signed in
              </button>
              <button type="button" className="button" disabled={busy} onClick={() => signOutWith(false)}>
                Sign out, keep the cache
              </button>
              <button type="button" className="button button-danger" disabled={busy} onClick={() => signOutWith(true)}>
                Sign out, remove the cache
              </button>
            </div>
          </div>
        )}
      </section>
    );
  }

  return (
    <form className="settings-section" aria-labelledby="settings-account" onSubmit={(event) => void submit(event)}>
      <h3 id="settings-account">Account</h3>
      <p className="hint">
        {signInReason ?? 'This server has user accounts: sign in to see your gallery.'} Your password is sent to the server only; the app
        keeps the sign-in encrypted on this computer.
      </p>
      <div className="form-row">
        <label htmlFor="sign-in-email">E-mail</label>
        <input
          id="sign-in-email"
          className="field"
          type="email"
          autoComplete="username"
          value={email}
          spellCheck={false}
          onChange={(event) => setEmail(event.target.value)}
        />
      </div>
      <div className="form-row">
        <label htmlFor="sign-in-password">Password</label>
        <input
          id="sign-in-password"
          className="field"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
      </div>
      <div className="settings-account-row">
        <label className="settings-account-check">
          <input type="checkbox" checked={rememberMe} onChange={(event) => setRememberMe(event.target.checked)} />
          Keep me signed in for 7 days
        </label>
        <button type="submit" className="button button-primary" disabled={busy || !email.trim() || !password}>
          Sign in
        </button>
      </div>
      {refusal && (
        <p className="test-result test-failed" role="alert">
          <Icon name="alert" size={15} />
          {refusal}
        </p>
      )}
    </form>
  );
}
