// Account security (docs/account-security.md): two-factor enrolment with
// the QR code, recovery codes shown once, the account's sessions with
// revoke, re-authentication when the panel asks for it; the login history
// (shown on the Account page).
import { useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import type { AuditRecord, SessionInfo, TwoFactorSetup, TwoFactorStatus } from '../api/types';
import { useApp, useLoad } from '../ui/context';
import { TextField, useForm, useRowErrors } from '../ui/form';
import { FormButtons, RowActions } from '../ui/crud';
import { Page, Section, When } from '../ui/page';
import { ListTable } from '../ui/list_table';
import { required } from '../validation';

export const isReauth = (e: unknown) => e instanceof ApiError && e.code === 'REAUTH_REQUIRED';

export function Security() {
  const { api } = useApp();
  const status = useLoad(() => api.get<TwoFactorStatus>('/auth/2fa'));
  // Set when the panel answered REAUTH_REQUIRED: the password form shows.
  const [reauth, setReauth] = useState(false);
  return (
    <Page title="Security">
      {reauth && <ReauthForm onDone={() => setReauth(false)} />}
      <TwoFactor status={status.data} reload={status.reload} onReauth={() => setReauth(true)} />
      <Sessions />
    </Page>
  );
}

export function TwoFactor({ status, reload, onReauth }: { status: TwoFactorStatus | null; reload: () => unknown; onReauth: () => void }) {
  const { api } = useApp();
  const [setup, setSetup] = useState<TwoFactorSetup | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const enable = useForm({ code: { label: 'Code from the app', match: /code/i, checks: [required('Code')] } });
  const disable = useForm({ code: { label: 'Code or recovery code', match: /code/i, checks: [required('Code')] } });

  const start = async () => {
    setError(null);
    try {
      setSetup(await api.post<TwoFactorSetup>('/auth/2fa/setup'));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const submitEnable = enable.submit(async (v) => {
    const r = await api.post<{ recovery_codes: string[] }>('/auth/2fa/enable', { code: v.code.trim() });
    enable.reset();
    setSetup(null);
    setCodes(r.recovery_codes);
    await reload();
  });
  const submitDisable = disable.submit(async (v) => {
    try {
      await api.post('/auth/2fa/disable', { code: v.code.trim() });
    } catch (e) {
      if (isReauth(e)) onReauth();
      throw e;
    }
    disable.reset();
    await reload();
  });

  return (
    <Section title="Two-factor authentication">
      {codes && (
        <div class="notice" role="alert">
          <p>
            <strong>Save these recovery codes now — they won't be shown again.</strong> Each works once, in place of a code from
            the app.
          </p>
          <ul class="recovery-codes">
            {codes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
          <button type="button" onClick={() => setCodes(null)}>
            I have saved them
          </button>
        </div>
      )}
      {!status ? (
        <p class="muted">Loading…</p>
      ) : status.enabled ? (
        <>
          <p>
            Two-factor authentication is <strong>on</strong>. {status.recovery_codes_remaining} recovery codes left.
          </p>
          <form onSubmit={submitDisable} noValidate>
            <TextField form={disable} name="code" autocomplete="one-time-code" />
            <FormButtons form={disable}>Turn off two-factor authentication</FormButtons>
          </form>
        </>
      ) : setup ? (
        <>
          <p>Scan this code with your authenticator app, or enter the key by hand, then type the code it shows.</p>
          <img class="qr" alt="QR code for your authenticator app" width={200} height={200} src={'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(setup.qr_svg)} />
          <p>
            Key: <code>{setup.secret}</code>
          </p>
          <form onSubmit={submitEnable} noValidate>
            <TextField form={enable} name="code" autocomplete="one-time-code" />
            <FormButtons form={enable}>Turn on</FormButtons>
          </form>
        </>
      ) : (
        <>
          <p>
            Two-factor authentication is <strong>off</strong>.{status.required && ' Your account must turn it on before it can do anything else.'}
          </p>
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
          <button type="button" onClick={() => void start()}>
            Set up two-factor authentication
          </button>
        </>
      )}
    </Section>
  );
}

export function ReauthForm({ onDone }: { onDone: () => void }) {
  const { api } = useApp();
  const form = useForm({
    password: { label: 'Your password', checks: [required('Password')] },
    totp_code: { label: 'Two-factor code (if on)', match: /two-factor|totp_code/i },
  });
  const submit = form.submit(async (v) => {
    const body: Record<string, string> = { password: v.password };
    if (v.totp_code.trim()) body.totp_code = v.totp_code.trim();
    await api.post('/auth/reauth', body);
    form.reset();
    onDone();
  });
  return (
    <Section title="Confirm it is you" focus>
      <p>This action needs your password again (it stays confirmed for a few minutes). Then try again.</p>
      <form onSubmit={submit} noValidate>
        <TextField form={form} name="password" type="password" autocomplete="current-password" />
        <TextField form={form} name="totp_code" autocomplete="one-time-code" />
        <FormButtons form={form}>Confirm</FormButtons>
      </form>
    </Section>
  );
}

export function Sessions() {
  const { api } = useApp();
  const list = useLoad(() => api.get<SessionInfo[]>('/auth/sessions'));
  const rows = useRowErrors();
  const [message, setMessage] = useState<string | null>(null);
  const revoke = (s: SessionInfo) =>
    rows.confirmed(s.id, `End the session from ${s.ip}?`, async () => {
      await api.del('/auth/sessions/{id}', { id: s.id });
      await list.reload();
    });
  const revokeOthers = async () => {
    setMessage(null);
    try {
      const r = await api.del<{ revoked: number }>('/auth/sessions');
      setMessage(`${r.revoked} other session(s) ended.`);
      await list.reload();
    } catch (e) {
      setMessage(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <Section title="Sessions">
      <ListTable
        label="Sessions"
        list={list}
        items={list.data}
        columns={['Address', 'Browser', 'Started', 'Last seen', 'Actions']}
        row={(s) => (
          <tr key={s.id}>
            <td data-label="Address">
              {s.ip}
              {s.current && <>{' '}<span class="badge">this session</span></>}
              {s.impersonated_by && <>{' '}<span class="badge">login-as by {s.impersonated_by}</span></>}
            </td>
            <td data-label="Browser">{s.user_agent || <span class="muted">unknown</span>}</td>
            <td data-label="Started">
              <When at={s.created_at} />
            </td>
            <td data-label="Last seen">
              <When at={s.last_seen} />
            </td>
            <RowActions actions={[!s.current && { label: 'Revoke', aria: `Revoke session from ${s.ip} (${s.id})`, onClick: () => revoke(s), danger: true }]} error={rows.errors[s.id]} />
          </tr>
        )}
      />
      <button type="button" onClick={() => void revokeOthers()}>
        Log out all other sessions
      </button>
      {message && <p role="status">{message}</p>}
    </Section>
  );
}

export function LoginHistory() {
  const { api } = useApp();
  const list = useLoad(() => api.get<AuditRecord[]>('/auth/login-history'));
  return (
    <Section title="Recent logins">
      <ListTable
        label="Recent logins"
        list={list}
        items={list.data}
        columns={['When', 'Address', 'Result']}
        row={(a) => (
          <tr key={a.id}>
            <td data-label="When">
              <When at={a.time} />
            </td>
            <td data-label="Address">{a.ip}</td>
            <td data-label="Result">{a.result === 'ok' ? 'Logged in' : `Failed (${a.target})`}</td>
          </tr>
        )}
      />
    </Section>
  );
}
