import { useState } from 'preact/hooks';
import type { User } from '../api/types';
import { useApp } from '../ui/context';
import { FormError, Submit, TextField, useForm } from '../ui/form';
import { Page, Section } from '../ui/page';
import { password, required } from '../validation';
import { isReauth, LoginHistory, ReauthForm } from './Security';

export function Account() {
  const { api, me } = useApp();
  const [done, setDone] = useState(false);
  // The panel wants a fresh password proof (REAUTH_REQUIRED): ask for it.
  const [reauth, setReauth] = useState(false);
  const form = useForm({
    current_password: { label: 'Current password', match: /current_password|Current password/, checks: [required('Current password')] },
    password: { label: 'New password', checks: [password('Password')] },
    confirm: { label: 'Repeat the new password', match: /passwords differ/, checks: [required('Repeat the new password')] },
  });
  const submit = form.submit(async (v) => {
    setDone(false);
    if (v.confirm !== v.password) throw new Error('The two passwords differ');
    try {
      await api.put<User>('/users/{username}', { current_password: v.current_password, password: v.password }, { username: me.username });
    } catch (e) {
      if (isReauth(e)) setReauth(true);
      throw e;
    }
    form.reset();
    setDone(true);
  });
  return (
    <Page title="Account">
      <Section title="Your account">
        <dl class="facts">
          <dt>Username</dt>
          <dd>{me.username}</dd>
          <dt>Email</dt>
          <dd>{me.email}</dd>
          <dt>Role</dt>
          <dd>{me.role}</dd>
          <dt>Package</dt>
          <dd>{me.package}</dd>
        </dl>
      </Section>
      {reauth && <ReauthForm onDone={() => setReauth(false)} />}
      <Section title="Change password">
        <form onSubmit={submit} noValidate>
          <TextField form={form} name="current_password" type="password" autocomplete="current-password" />
          <TextField form={form} name="password" type="password" autocomplete="new-password" hint="At least 8 characters." />
          <TextField form={form} name="confirm" type="password" autocomplete="new-password" />
          <FormError message={form.formError} />
          {done && (
            <p class="ok" role="status">
              Password changed.
            </p>
          )}
          <Submit busy={form.busy}>Change password</Submit>
        </form>
      </Section>
      <LoginHistory />
    </Page>
  );
}
