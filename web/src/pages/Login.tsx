import type { Api } from '../api/client';
import type { LoginResponse } from '../api/types';
import { TextField, useForm } from '../ui/form';
import { FormButtons } from '../ui/crud';
import { required } from '../validation';
import type { Session } from '../session';

export function Login({ api, onLogin }: { api: Api; onLogin: (s: Session) => void }) {
  const form = useForm({
    username: { label: 'Username', checks: [required('Username')] },
    password: { label: 'Password', checks: [required('Password')] },
  });
  const submit = form.submit(async (v) => {
    const r = await api.post<LoginResponse>('/auth/login', { username: v.username.trim(), password: v.password });
    onLogin({ token: r.token, user: r.user });
  });
  return (
    <main class="login">
      <form class="card" onSubmit={submit} aria-labelledby="login-title" noValidate>
        <h1 id="login-title">WisPanel</h1>
        <p class="muted">Log in to manage your hosting.</p>
        <TextField form={form} name="username" autocomplete="username" />
        <TextField form={form} name="password" type="password" autocomplete="current-password" />
        <FormButtons form={form}>Log in</FormButtons>
      </form>
    </main>
  );
}
