import { useEffect, useState } from 'preact/hooks';
import type { Api } from '../api/client';
import type { LoginResponse } from '../api/types';
import { TextField, useForm } from '../ui/form';
import { FormButtons } from '../ui/crud';
import { required } from '../validation';
import type { Session } from '../session';

export function Login({ api, onLogin }: { api: Api; onLogin: (s: Session) => void }) {
  // Set once the panel has asked for the second factor (requires_2fa).
  const [needsCode, setNeedsCode] = useState(false);
  const form = useForm({
    username: { label: 'Username', checks: [required('Username')] },
    password: { label: 'Password', checks: [required('Password')] },
    totp_code: { label: 'Authentication code', match: /two-factor|code/i },
  });
  // Username first: the form is the only thing on the page.
  useEffect(() => {
    document.getElementById(form.id('username'))?.focus();
  }, []);
  const [failures, setFailures] = useState(0);
  const submit = form.submit(async (v) => {
    const body: Record<string, string> = { username: v.username.trim(), password: v.password };
    if (needsCode) {
      if (!v.totp_code.trim()) throw new Error('Enter the code from your authenticator app, or a recovery code');
      body.totp_code = v.totp_code.trim();
    }
    let r: LoginResponse;
    try {
      r = await api.post<LoginResponse>('/auth/login', body);
    } catch (e) {
      setFailures((n) => n + 1);
      throw e;
    }
    if (r.requires_2fa) {
      setNeedsCode(true);
      return;
    }
    onLogin({ token: r.token, user: r.user });
  });
  return (
    <main class="login">
      <form class="card" onSubmit={submit} aria-labelledby="login-title" noValidate>
        <h1 id="login-title">WisPanel</h1>
        <p class="muted">Log in to manage your hosting.</p>
        <TextField form={form} name="username" autocomplete="username" />
        <TextField form={form} name="password" type="password" autocomplete="current-password" />
        {needsCode && (
          <>
            <p role="status">Two-factor authentication required.</p>
            <TextField form={form} name="totp_code" autocomplete="one-time-code" hint="The 6-digit code from your authenticator app, or a recovery code." />
          </>
        )}
        {failures >= 2 && (
          <p class="hint" role="note">
            After a few failed attempts each answer comes a little later (up to 8 seconds), to slow down password guessing. Wait for it; a correct password still logs in.
          </p>
        )}
        <FormButtons form={form}>Log in</FormButtons>
      </form>
    </main>
  );
}
