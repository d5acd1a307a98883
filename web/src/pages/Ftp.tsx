// FTP (seed 002, docs/openapi/ftp.yaml): server status, accounts (create,
// edit quota / read-only / home / allowed IPs / password, enable-disable,
// delete) and anonymous read-only FTP per domain.
import { useState } from 'preact/hooks';
import type { Domain, FtpAccount, FtpAnonymous, FtpStatus } from '../api/types';
import { useApp, useLoad } from '../ui/context';
import { Checkbox, PasswordField, TextField, useForm, useRowErrors } from '../ui/form';
import { FormButtons, RowActions, useEditor } from '../ui/crud';
import { Page, Section } from '../ui/page';
import { Status } from '../ui/status';
import { ListTable } from '../ui/list_table';
import { ShownSecret } from '../ui/secret';
import { ftpUsername, ipList, parseIpList, password } from '../validation';
import { FtpSessions, SftpDetails, SftpKeys } from './Sftp';

export function Ftp() {
  const { api, me } = useApp();
  const list = useLoad(() => api.get<{ accounts: FtpAccount[]; total: number }>('/ftp'));
  const status = useLoad(() => api.get<FtpStatus>('/ftp/status'));
  const [keysOf, setKeysOf] = useState<string | null>(null);
  const rows = useRowErrors();
  const editor = useEditor<FtpAccount>(list.reload);
  const accounts = list.data?.accounts ?? [];
  const toggle = (a: FtpAccount) =>
    rows.run(a.username, async () => {
      await api.post('/ftp/{id}/toggle', {}, { id: a.username });
      await list.reload();
    });
  const remove = (a: FtpAccount) =>
    rows.confirmed(a.username, `Delete the FTP account ${a.username}? Its files stay.`, async () => {
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
        {status.data && <FtpDetails status={status.data} />}
        {status.data && <SftpDetails status={status.data} />}
      </Section>
      <Section title={me.role === 'admin' ? 'All FTP accounts' : 'Your FTP accounts'}>
        <ListTable
          label="FTP accounts"
          list={list}
          items={list.data ? accounts : null}
          columns={['Username', me.role === 'admin' && 'Owner', 'Home', 'Quota', 'Access', 'Allowed IPs', 'State', 'Actions']}
          row={(a) => (
            <tr key={a.username}>
              <td data-label="Username">{a.username}</td>
              {me.role === 'admin' && <td data-label="Owner">{a.owner}</td>}
              <td data-label="Home">
                <code>{me.role === 'admin' ? a.home_dir : inHome(a.home_dir, me.home_dir) || '(your home)'}</code>
              </td>
              <td data-label="Quota">{a.quota_mb ? `${a.quota_mb} MB` : 'unlimited'}</td>
              <td data-label="Access">{a.read_only ? 'read only' : 'read and write'}</td>
              <td data-label="Allowed IPs">{a.allowed_ips.length ? a.allowed_ips.join(', ') : <span class="muted">any</span>}</td>
              <td data-label="State">
                <Status word={a.enabled ? 'enabled' : 'disabled'} />
                {a.sftp === false ? ', FTP only' : ', FTP + SFTP'}
                {a.password_login === false ? ' (keys only)' : ''}
              </td>
              <RowActions
                actions={[
                  { label: 'Edit', aria: `Edit ${a.username}`, onClick: () => editor.edit(a) },
                  { label: 'SSH keys', aria: `SSH keys of ${a.username}`, onClick: () => setKeysOf(a.username) },
                  { label: a.enabled ? 'Disable' : 'Enable', aria: `${a.enabled ? 'Disable' : 'Enable'} ${a.username}`, onClick: () => toggle(a) },
                  { label: 'Delete', aria: `Delete FTP account ${a.username}`, onClick: () => remove(a), danger: true },
                ]}
                error={rows.errors[a.username]}
              />
            </tr>
          )}
        />
      </Section>
      {editor.editing && <EditFtpForm key={editor.editing.username} account={editor.editing} onDone={editor.done} />}
      {keysOf && <SftpKeys key={keysOf} username={keysOf} onClose={() => setKeysOf(null)} />}
      <FtpSessions />
      <CreateFtpForm owner={me.username} onCreated={() => Promise.all([list.reload(), status.reload()])} />
      <AnonymousFtp />
    </Page>
  );
}

const homeCheck = (v: string) => (v.split('/').includes('..') || v.includes('\0') ? 'Home directory must not contain ..' : null);
const quotaCheck = (v: string) => (/^\d+$/.test(v.trim()) ? null : 'Quota must be a whole number of MB (0: unlimited)');

// Only what changed is sent (PUT is partial); a new password only when typed.
// A customer sees a path inside her home relative to it, never the
// server's absolute path ("" is the home itself).
export function inHome(path: string, home: string): string {
  const h = home.replace(/\/+$/, '');
  if (h && (path === h || path.startsWith(h + '/'))) return path.slice(h.length + 1);
  return path;
}

// What an FTP client needs: host, port and whether FTPS is offered or
// required (GET /ftp/status).
export function FtpDetails({ status }: { status: FtpStatus }) {
  const ftp = status.protocols?.ftp;
  if (!ftp?.port) return null;
  const host = !ftp.address || ftp.address === '0.0.0.0' ? location.hostname : ftp.address;
  return (
    <dl class="facts" aria-label="FTP connection details">
      <dt>Host</dt>
      <dd>
        <code>{host}</code>
      </dd>
      <dt>Port</dt>
      <dd>
        <code>{ftp.port}</code>
      </dd>
      <dt>Encryption</dt>
      <dd>{ftp.tls ? (ftp.tls_required ? 'FTPS required (explicit, AUTH TLS): choose "Require explicit FTP over TLS" in your client' : 'FTPS offered (explicit, AUTH TLS); plain FTP allowed') : 'None (plain FTP only)'}</dd>
    </dl>
  );
}

export function EditFtpForm({ account, onDone }: { account: FtpAccount; onDone: (changed: boolean) => unknown }) {
  const { api, me } = useApp();
  // What the form shows and compares against: relative for a customer.
  const home = me.role === 'admin' ? account.home_dir : inHome(account.home_dir, me.home_dir);
  const [readOnly, setReadOnly] = useState(account.read_only);
  const [sftp, setSftp] = useState(account.sftp !== false);
  const [passwordLogin, setPasswordLogin] = useState(account.password_login !== false);
  const form = useForm({
    home_dir: { label: 'Home directory', match: /home/i, initial: home, checks: [homeCheck] },
    quota_mb: { label: 'Quota (MB)', match: /quota/i, initial: String(account.quota_mb), checks: [quotaCheck] },
    allowed_ips: { label: 'Allowed IP addresses', match: /allowed_ips|address|\bip\b/i, initial: account.allowed_ips.join('\n'), checks: [ipList] },
    password: { label: 'New password', match: /password/i, checks: [(v) => (v === '' ? null : password('Password')(v))] },
  });
  const submit = form.submit(async (v) => {
    const body: Record<string, unknown> = {};
    if (v.home_dir.trim() !== home) body.home_dir = v.home_dir.trim() || '.';
    if (Number(v.quota_mb) !== account.quota_mb) body.quota_mb = Number(v.quota_mb);
    if (readOnly !== account.read_only) body.read_only = readOnly;
    if (sftp !== (account.sftp !== false)) body.sftp = sftp;
    if (passwordLogin !== (account.password_login !== false)) body.password_login = passwordLogin;
    const ips = parseIpList(v.allowed_ips);
    if (ips.join(',') !== account.allowed_ips.join(',')) body.allowed_ips = ips;
    if (v.password) body.password = v.password;
    if (Object.keys(body).length === 0) return onDone(false);
    await api.put('/ftp/{id}', body, { id: account.username });
    await onDone(true);
  });
  return (
    <Section focus onClose={() => onDone(false)} title={`Edit ${account.username}`}>
      <form onSubmit={submit} noValidate>
        <TextField form={form} name="home_dir" hint={me.role === 'admin' ? 'Inside the owner’s home: absolute, or relative to it.' : 'A folder inside your home, relative to it; empty: your home.'} />
        <TextField form={form} name="quota_mb" type="number" hint="0: unlimited." />
        <Checkbox checked={readOnly} onChange={setReadOnly}>
          Read only
        </Checkbox>
        <Checkbox checked={sftp} onChange={setSftp}>
          SFTP allowed
        </Checkbox>
        <Checkbox checked={passwordLogin} onChange={setPasswordLogin}>
          Password login (off: SFTP with an SSH key only, no FTP)
        </Checkbox>
        <TextField form={form} name="allowed_ips" multiline hint="IP addresses or CIDR ranges, one per line or comma-separated; empty: any address." />
        <PasswordField form={form} name="password" hint="Empty: unchanged." />
        <FormButtons form={form} onCancel={() => onDone(false)}>
          Save
        </FormButtons>
      </form>
    </Section>
  );
}

// Anonymous read-only FTP, one switch per domain (GET/PUT /ftp/{domain}/anonymous).
export function AnonymousFtp() {
  const { api } = useApp();
  const list = useLoad(async () => {
    const domains = await api.get<Domain[]>('/domains');
    return Promise.all(domains.map((d) => api.get<FtpAnonymous>('/ftp/{domain}/anonymous', { domain: d.domain })));
  });
  const rows = useRowErrors();
  const flip = (a: FtpAnonymous) =>
    rows.run(a.domain, async () => {
      await api.put('/ftp/{domain}/anonymous', { enabled: !a.enabled }, { domain: a.domain });
      await list.reload();
    });
  return (
    <Section title="Anonymous FTP">
      <p class="muted">Read-only downloads for anyone, per domain; clients select the domain with HOST before logging in as anonymous. Changing it restarts the FTP server.</p>
      <ListTable
        label="Anonymous FTP"
        list={list}
        items={list.data}
        columns={['Domain', 'Directory', 'Anonymous', 'Actions']}
        row={(a) => (
          <tr key={a.domain}>
            <td data-label="Domain">{a.domain}</td>
            <td data-label="Directory">
              <code>{a.directory}</code>
            </td>
            <td data-label="Anonymous">{a.enabled ? 'on (read only)' : 'off'}</td>
            <RowActions
              actions={[{ label: a.enabled ? 'Turn off' : 'Turn on', aria: `${a.enabled ? 'Turn off' : 'Turn on'} anonymous FTP for ${a.domain}`, onClick: () => flip(a) }]}
              error={rows.errors[a.domain]}
            />
          </tr>
        )}
      />
    </Section>
  );
}

export function CreateFtpForm({ owner, onCreated }: { owner: string; onCreated: () => unknown }) {
  const { api } = useApp();
  const [readOnly, setReadOnly] = useState(false);
  const [created, setCreated] = useState<{ user: string; password: string } | null>(null);
  const form = useForm({
    username: { label: 'Username', match: /already exists/i, checks: [ftpUsername] },
    password: { label: 'Password', checks: [password()] },
    home_dir: { label: 'Home directory', match: /home/i, checks: [homeCheck] },
    quota_mb: { label: 'Quota (MB)', match: /quota/i, initial: '0', checks: [quotaCheck] },
    allowed_ips: { label: 'Allowed IP addresses', match: /allowed_ips|address|\bip\b/i, checks: [ipList] },
  });
  const submit = form.submit(async (v) => {
    const body: Record<string, unknown> = { username: v.username.trim(), password: v.password, quota_mb: Number(v.quota_mb), read_only: readOnly };
    if (v.home_dir) body.home_dir = v.home_dir;
    const ips = parseIpList(v.allowed_ips);
    if (ips.length) body.allowed_ips = ips;
    const made = await api.post<FtpAccount>('/ftp', body);
    setCreated({ user: made?.username ?? `${owner}_${v.username.trim()}`, password: v.password });
    form.reset();
    setReadOnly(false);
    await onCreated();
  });
  return (
    <Section title="Create an FTP account">
      {created && (
        <div class="notice-box" role="region" aria-label="FTP account created">
          <p class="ok">FTP account {created.user} created. Copy its password now: it is not shown again.</p>
          <ShownSecret label={`Password of ${created.user}`} value={created.password} onDone={() => setCreated(null)} />
        </div>
      )}
      <form onSubmit={submit} noValidate>
        <TextField form={form} name="username" autocomplete="off" hint={`At least 2 characters. Created as ${owner}_<name>.`} />
        <PasswordField form={form} name="password" />
        <TextField form={form} name="home_dir" placeholder="sites/example.com" hint="A folder inside your home (created if missing); empty: your home." />
        <TextField form={form} name="quota_mb" type="number" hint="0: unlimited." />
        <Checkbox checked={readOnly} onChange={setReadOnly}>
          Read only
        </Checkbox>
        <TextField form={form} name="allowed_ips" multiline hint="Optional: IP addresses or CIDR ranges; empty: any address." />
        <FormButtons form={form}>Create FTP account</FormButtons>
      </form>
    </Section>
  );
}
