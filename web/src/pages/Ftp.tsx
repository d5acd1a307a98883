// Written against the product docs (seed 002); works once the FTP API
// (issue 5) is merged.
import { useState } from 'preact/hooks';
import type { FtpAccount } from '../api/types';
import { useApp, useLoad } from '../ui/context';
import { FormError, RowError, Submit, TextField, useForm, useRowErrors } from '../ui/form';
import { Page, Section } from '../ui/page';
import { ListTable } from '../ui/list_table';
import { ftpUsername, generatePassword, password } from '../validation';

export function Ftp() {
  const { api, me } = useApp();
  const list = useLoad(() => api.get<{ accounts: FtpAccount[]; total: number }>('/ftp'));
  const status = useLoad(() => api.get<{ installed: boolean; running: boolean; total_accounts: number }>('/ftp/status'));
  const rows = useRowErrors();
  const accounts = list.data?.accounts ?? [];
  const toggle = (a: FtpAccount) =>
    rows.run(a.username, async () => {
      await api.post('/ftp/{id}/toggle', {}, { id: a.username });
      await list.reload();
    });
  const remove = (a: FtpAccount) =>
    rows.run(a.username, async () => {
      if (!window.confirm(`Delete the FTP account ${a.username}? Its files stay.`)) return;
      await api.del('/ftp/{id}', { id: a.username });
      await Promise.all([list.reload(), status.reload()]);
    });
  return (
    <Page title="FTP">
      <Section title="FTP server">
        {status.error ? (
          <p class="form-error" role="alert">
            {status.error}
          </p>
        ) : status.data ? (
          <p>
            <span class={`badge ${status.data.running ? 'up' : 'down'}`}>{status.data.running ? 'running' : status.data.installed ? 'stopped' : 'not installed'}</span>{' '}
            {status.data.total_accounts} account(s)
          </p>
        ) : (
          <p aria-live="polite">Loading…</p>
        )}
      </Section>
      <Section title={me.role === 'admin' ? 'All FTP accounts' : 'Your FTP accounts'}>
        <ListTable
          label="FTP accounts"
          list={list}
          items={list.data ? accounts : null}
          columns={['Username', me.role === 'admin' && 'Owner', 'Home', 'Quota', 'Access', 'State', 'Actions']}
          row={(a) => (
            <tr key={a.username}>
              <td data-label="Username">{a.username}</td>
              {me.role === 'admin' && <td data-label="Owner">{a.owner}</td>}
              <td data-label="Home">
                <code>{a.home_dir}</code>
              </td>
              <td data-label="Quota">{a.quota_mb ? `${a.quota_mb} MB` : 'unlimited'}</td>
              <td data-label="Access">{a.read_only ? 'read only' : 'read and write'}</td>
              <td data-label="State">{a.enabled ? 'enabled' : 'disabled'}</td>
              <td data-label="Actions" class="actions">
                <button type="button" onClick={() => toggle(a)} aria-label={`${a.enabled ? 'Disable' : 'Enable'} ${a.username}`}>
                  {a.enabled ? 'Disable' : 'Enable'}
                </button>
                <button type="button" class="danger" onClick={() => remove(a)} aria-label={`Delete FTP account ${a.username}`}>
                  Delete
                </button>
                <RowError message={rows.errors[a.username]} />
              </td>
            </tr>
          )}
        />
      </Section>
      <CreateFtpForm owner={me.username} onCreated={() => Promise.all([list.reload(), status.reload()])} />
    </Page>
  );
}

export function CreateFtpForm({ owner, onCreated }: { owner: string; onCreated: () => unknown }) {
  const { api } = useApp();
  const [readOnly, setReadOnly] = useState(false);
  const form = useForm({
    username: { label: 'Username', match: /already exists/i, checks: [ftpUsername] },
    password: { label: 'Password', checks: [password()] },
    home_dir: { label: 'Home directory', match: /home/i, checks: [(v) => (v.split('/').includes('..') || v.includes('\0') ? 'Home directory must not contain ..' : null)] },
    quota_mb: { label: 'Quota (MB)', match: /quota/i, initial: '0', checks: [(v) => (/^\d+$/.test(v) ? null : 'Quota must be a whole number of MB (0: unlimited)')] },
  });
  const submit = form.submit(async (v) => {
    const body: Record<string, unknown> = { username: v.username.trim(), password: v.password, quota_mb: Number(v.quota_mb), read_only: readOnly };
    if (v.home_dir) body.home_dir = v.home_dir;
    await api.post('/ftp', body);
    form.reset();
    setReadOnly(false);
    await onCreated();
  });
  return (
    <Section title="Create an FTP account">
      <form onSubmit={submit} noValidate>
        <TextField form={form} name="username" autocomplete="off" hint={`At least 2 characters. Created as ${owner}_<name>.`} />
        <TextField form={form} name="password" type="text" autocomplete="new-password">
          <button type="button" onClick={() => form.set('password', generatePassword())}>
            Generate
          </button>
        </TextField>
        <TextField form={form} name="home_dir" placeholder="sites/example.com" hint="A folder inside your home (created if missing); empty: your home." />
        <TextField form={form} name="quota_mb" type="number" hint="0: unlimited." />
        <label class="check">
          <input type="checkbox" checked={readOnly} onChange={(e) => setReadOnly(e.currentTarget.checked)} />
          <span>Read only</span>
        </label>
        <FormError message={form.formError} />
        <Submit busy={form.busy}>Create FTP account</Submit>
      </form>
    </Section>
  );
}
