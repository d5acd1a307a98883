// Databases (seed 000, docs/openapi/databases.yaml): list, create with a
// password generator, remote access, password reset, phpMyAdmin sign-on,
// delete with confirmation; for admins, moving a database to another
// database host (a task, docs/databases.md).
import { useState } from 'preact/hooks';
import type { Database, DatabaseHost } from '../api/types';
import { exportDatabase, importDatabase, waitBackupTask } from '../api/backups';
import type { Task } from '../api/files_transfer';
import { messageOf } from '../ui/errors';
import { useApp, useLoad } from '../ui/context';
import { Checkbox, PasswordField, TextField, useForm, useRowErrors } from '../ui/form';
import { FormButtons, RowActions, useEditor } from '../ui/crud';
import { Page, Section, When } from '../ui/page';
import { ListTable } from '../ui/list_table';
import { ShownSecret } from '../ui/secret';
import { dbName, password } from '../validation';
import { DatabaseUsers } from './DatabaseUsers';

export function Databases() {
  const { api, me } = useApp();
  const list = useLoad(() => api.get<Database[]>('/databases'));
  const rows = useRowErrors();
  const editor = useEditor<{ db: Database; what: 'remote' | 'password' | 'import' | 'users' | 'move' | 'connect' }>(list.reload);
  const editing = editor.editing;
  // Single-use sign-on URL (seed 000), opened with noopener,noreferrer so
  // phpMyAdmin's page gets no handle on the panel's window (window.opener)
  // and no Referer (issue 14). Such a window.open returns null, so the tab
  // is opened once the URL is there: the request is quick, well inside the
  // browsers' user-activation window (5 s in Chromium and Firefox).
  const openPma = (d: Database) =>
    rows.run(d.id, async () => {
      const r = await api.post<{ url: string }>('/databases/{id}/phpmyadmin', {}, { id: d.id });
      window.open(r.url, '_blank', 'noopener,noreferrer');
    });
  const remove = (d: Database) =>
    rows.confirmed(d.id, `Delete the database ${d.name} and its user? Its data is lost.`, async () => {
      await api.del('/databases/{id}', { id: d.id });
      await list.reload();
    });
  return (
    <Page title="Databases">
      <Section title={me.role === 'admin' ? 'All databases' : 'Your databases'}>
        <ListTable
          label="Databases"
          list={list}
          items={list.data}
          columns={['Name', 'User', me.role === 'admin' && 'Owner', me.role === 'admin' && 'Host', 'Domain', 'Size', 'Remote access', 'Created', 'Actions']}
          row={(d) => (
            <tr key={d.id}>
              <td data-label="Name">{d.name}</td>
              <td data-label="User">{d.user}</td>
              {me.role === 'admin' && <td data-label="Owner">{d.owner}</td>}
              {me.role === 'admin' && <td data-label="Host">{d.host ?? 'local'}</td>}
              <td data-label="Domain">{d.domain || '—'}</td>
              <td data-label="Size">{d.size_kb} KB</td>
              <td data-label="Remote access">{d.remote_access ? <code>{d.remote_host}</code> : <span class="muted">off</span>}</td>
              <td data-label="Created">
                <When at={d.created_at} />
              </td>
              <RowActions
                actions={[
                  { label: 'Connect', aria: `Connect: connection details of ${d.name}`, onClick: () => editor.edit({ db: d, what: 'connect' }) },
                  { label: 'phpMyAdmin', aria: `Open phpMyAdmin for ${d.name}`, onClick: () => openPma(d) },
                  { label: 'Export', aria: `Export ${d.name} as .sql.gz`, onClick: () => rows.run(d.id, () => exportDatabase(api, d.id)) },
                  { label: 'Import', aria: `Import SQL into ${d.name}`, onClick: () => editor.edit({ db: d, what: 'import' }) },
                  { label: 'Users', aria: `Users of ${d.name}`, onClick: () => editor.edit({ db: d, what: 'users' }) },
                  { label: 'Remote access', aria: `Remote access for ${d.name}`, onClick: () => editor.edit({ db: d, what: 'remote' }) },
                  { label: 'Reset password', aria: `Reset password of ${d.name}`, onClick: () => editor.edit({ db: d, what: 'password' }) },
                  ...(me.role === 'admin' ? [{ label: 'Move to host', aria: `Move ${d.name} to another host`, onClick: () => editor.edit({ db: d, what: 'move' }) }] : []),
                  { label: 'Delete', aria: `Delete database ${d.name}`, onClick: () => remove(d), danger: true },
                ]}
                error={rows.errors[d.id]}
              />
            </tr>
          )}
        />
      </Section>
      {editing?.what === 'remote' && (
        <RemoteAccessForm key={editing.db.id} db={editing.db} onDone={editor.done} />
      )}
      {editing?.what === 'connect' && (
        <Section focus onClose={editor.close} title={`Connect to ${editing.db.name}`}>
          <DatabaseDetails db={editing.db} />
        </Section>
      )}
      {editing?.what === 'users' && <DatabaseUsers key={editing.db.id} db={editing.db} onClose={editor.close} />}
      {editing?.what === 'import' && <ImportForm key={editing.db.id} db={editing.db} onDone={editor.done} />}
      {editing?.what === 'move' && <MoveDatabaseForm key={editing.db.id} db={editing.db} onDone={editor.done} />}
      {editing?.what === 'password' && <ResetPasswordForm key={editing.db.id} db={editing.db} onDone={editor.close} />}
      <CreateDatabaseForm owner={me.username} onCreated={list.reload} />
    </Page>
  );
}

// What a MySQL/MariaDB client needs (docs/databases.md "Connection
// details"): the socket the account's own programs use (host localhost),
// host and port for a client elsewhere (Remote access must allow its
// address), the database server when it is not the panel's own, the
// database and user names. The password is never shown again.
export function DatabaseDetails({ db }: { db: Database }) {
  const c = db.connection;
  if (!c) return <p class="muted">This panel does not report connection details.</p>;
  const local = c.database_host === 'local';
  return (
    <dl class="facts" aria-label={`Connection details of ${db.name}`}>
      {c.socket && (
        <>
          <dt>Socket</dt>
          <dd>
            <code>{c.socket}</code>
            <span class="muted"> (programs on this server, with host localhost)</span>
          </dd>
        </>
      )}
      <dt>Host</dt>
      <dd>
        {c.host ? <code>{c.host}</code> : <span class="muted">none (no TCP)</span>}
        {c.host && local && <span class="muted"> (TCP: from the hosts Remote access allows)</span>}
      </dd>
      <dt>Port</dt>
      <dd>{c.port ? <code>{c.port}</code> : <span class="muted">none</span>}</dd>
      {!local && (
        <>
          <dt>Database server</dt>
          <dd>
            <code>{c.database_host}</code>
          </dd>
        </>
      )}
      <dt>Database</dt>
      <dd>
        <code>{db.name}</code>
      </dd>
      <dt>User</dt>
      <dd>
        <code>{db.user}</code>
      </dd>
      <dt>Password</dt>
      <dd>the one set at creation (Reset password sets a new one)</dd>
    </dl>
  );
}

export function CreateDatabaseForm({ owner, onCreated }: { owner: string; onCreated: () => unknown }) {
  const { api } = useApp();
  const form = useForm({
    name: { label: 'Database name', match: /database (name|already)/i, checks: [dbName('Database name')] },
    user: { label: 'Database user', match: /\buser\b/i, checks: [(v) => (v === '' ? null : dbName('Database user')(v))] },
    password: { label: 'Password', checks: [password()] },
    domain: { label: 'Domain', match: /domain/i },
  });
  // What was just created, with its password (until dismissed).
  const [created, setCreated] = useState<{ user: string; password: string } | null>(null);
  const submit = form.submit(async (v) => {
    const body: Record<string, string> = { name: v.name, password: v.password };
    if (v.user) body.user = v.user;
    if (v.domain.trim()) body.domain = v.domain.trim();
    const db = await api.post<Database>('/databases', body);
    setCreated({ user: db?.user ?? `${owner}_${v.user || v.name}`, password: v.password });
    form.reset();
    await onCreated();
  });
  return (
    <Section title="Create a database">
      {created && (
        <div class="notice-box" role="region" aria-label="Database created">
          <p class="ok">Database user {created.user} created. Copy its password now: it is not shown again.</p>
          <ShownSecret label={`Password of ${created.user}`} value={created.password} onDone={() => setCreated(null)} />
        </div>
      )}
      <form onSubmit={submit} noValidate>
        <TextField form={form} name="name" autocomplete="off" hint={`Letters, digits and _. Created as ${owner}_<name>.`} />
        <TextField form={form} name="user" autocomplete="off" hint="Empty: the same as the database name." />
        <PasswordField form={form} name="password" />
        <TextField form={form} name="domain" autocomplete="off" hint="Optional: one of your domains." />
        <FormButtons form={form}>Create database</FormButtons>
      </form>
    </Section>
  );
}

// Remote access: the user may log in over TCP from one host (an address,
// a CIDR, a host name pattern or % for any host); off removes that entry.
export function RemoteAccessForm({ db, onDone }: { db: Database; onDone: (changed: boolean) => unknown }) {
  const { api } = useApp();
  const [enabled, setEnabled] = useState(db.remote_access);
  const form = useForm({
    remote_host: {
      label: 'Remote host',
      match: /remote|host/i,
      initial: db.remote_host,
      checks: [(v) => (enabled && v.trim() === '' ? 'Remote host is required when remote access is on' : null), (v) => (/[\s'"`\\]/.test(v.trim()) ? 'Remote host must not contain spaces or quotes' : null)],
    },
  });
  const submit = form.submit(async (v) => {
    const body: Record<string, unknown> = { remote_access: enabled };
    if (enabled) body.remote_host = v.remote_host.trim();
    await api.put('/databases/{id}', body, { id: db.id });
    await onDone(true);
  });
  return (
    <Section focus onClose={() => onDone(false)} title={`Remote access to ${db.name}`}>
      <form onSubmit={submit} noValidate>
        <Checkbox checked={enabled} onChange={setEnabled}>
          Allow logins from another host
        </Checkbox>
        {enabled && (
          <TextField form={form} name="remote_host" autocomplete="off" placeholder="203.0.113.7" hint="An IP address, a CIDR range (10.0.0.0/8), a host name pattern (%.example.com) or % for any host." />
        )}
        <FormButtons form={form} onCancel={() => onDone(false)}>
          Save remote access
        </FormButtons>
      </form>
    </Section>
  );
}

export function ResetPasswordForm({ db, onDone }: { db: Database; onDone: () => unknown }) {
  const { api } = useApp();
  // The password set, shown (with Copy) until the panel is closed.
  const [done, setDone] = useState<string | null>(null);
  const form = useForm({ password: { label: 'New password', match: /password/i, checks: [password('Password')] } });
  const submit = form.submit(async (v) => {
    await api.post('/databases/{id}/reset-password', { password: v.password }, { id: db.id });
    setDone(v.password);
  });
  return (
    <Section focus onClose={() => onDone()} title={`New password for ${db.user}`}>
      {done ? (
        <>
          <p role="status" class="ok">
            Password changed; the old one no longer works.
          </p>
          <ShownSecret label={`Password of ${db.user}`} value={done} onDone={onDone} doneLabel="Close" />
        </>
      ) : (
        <form onSubmit={submit} noValidate>
          <PasswordField form={form} name="password" hint="At least 8 characters; copy it before saving." />
          <FormButtons form={form} onCancel={onDone}>
            Set password
          </FormButtons>
        </form>
      )}
    </Section>
  );
}

// A form that starts a task (import, move) and follows it to its end:
// onDone(true) when it succeeded, its message shown when it did not.
function useTaskRun(onDone: (changed: boolean) => unknown) {
  const { api } = useApp();
  const [task, setTask] = useState<Task | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (start: () => Promise<Task>) => {
    setError(null);
    setBusy(true);
    try {
      const started = await start();
      setTask(started);
      await waitBackupTask(api, started.id, setTask);
      await onDone(true);
    } catch (x) {
      setError(messageOf(x));
    } finally {
      setBusy(false);
    }
  };
  const running = task !== null && (task.status === 'queued' || task.status === 'running');
  return { task, running, error, setError, busy, run };
}

// Import a .sql or .sql.gz (docs/backups.md): uploaded as the body, run
// as a task; a bad statement is reported with its line.
export function ImportForm({ db, onDone }: { db: Database; onDone: (changed: boolean) => unknown }) {
  const { api } = useApp();
  const [file, setFile] = useState<File | null>(null);
  const { task, running, error, setError, busy, run } = useTaskRun(onDone);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!file) return setError('Choose a .sql or .sql.gz file');
    await run(() => importDatabase(api, db.id, file));
  };
  return (
    <Section focus onClose={() => onDone(false)} title={`Import SQL into ${db.name}`}>
      <form onSubmit={submit} noValidate>
        <label>
          SQL file
          <input type="file" accept=".sql,.gz,.sql.gz" aria-label="SQL file" onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)} />
        </label>
        <p class="muted">Runs as the database's own user. Statements before an error that MariaDB cannot roll back (CREATE, DROP, ALTER) stay.</p>
        {running && task && (
          <p role="status">
            Importing… <progress max={100} value={task.percent} /> {task.percent}%
          </p>
        )}
        {error && (
          <p class="row-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          Import
        </button>{' '}
        <button type="button" onClick={() => onDone(false)}>
          Cancel
        </button>
      </form>
    </Section>
  );
}

// Move a database to another database host (admin): POST
// /databases/{id}/move, a task polled until it ends. The database is
// read-only meanwhile; a failure leaves it where it was.
export function MoveDatabaseForm({ db, onDone }: { db: Database; onDone: (changed: boolean) => unknown }) {
  const { api } = useApp();
  const hosts = useLoad(() => api.get<DatabaseHost[]>('/database-hosts'));
  const current = db.host ?? 'local';
  const choices = (hosts.data ?? []).filter((h) => h.name !== current && h.enabled);
  const [host, setHost] = useState('');
  const { running, error, setError, busy, run } = useTaskRun(onDone);
  const chosen = host || choices[0]?.name || '';
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!chosen) return setError('Choose a host');
    await run(() => api.post<Task>('/databases/{id}/move', { host: chosen }, { id: db.id }));
  };
  return (
    <Section focus onClose={() => onDone(false)} title={`Move ${db.name} to another host`}>
      <form onSubmit={submit} noValidate>
        <p class="muted">
          Now on <code>{current}</code>. Its users are moved with it (same passwords and rights); it is read-only while it is copied, and its applications must then connect to the new host.
        </p>
        {hosts.data && choices.length === 0 ? (
          <p class="muted">No other enabled database host.</p>
        ) : (
          <label>
            Target host
            <select aria-label="Target host" value={chosen} onChange={(e) => setHost((e.target as HTMLSelectElement).value)}>
              {choices.map((h) => (
                <option key={h.name} value={h.name}>
                  {h.name} ({h.kind}
                  {h.up ? '' : ', down'})
                </option>
              ))}
            </select>
          </label>
        )}
        {running && <p role="status">Moving…</p>}
        {error && (
          <p class="row-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy || !chosen}>
          Move
        </button>{' '}
        <button type="button" onClick={() => onDone(false)}>
          Cancel
        </button>
      </form>
    </Section>
  );
}
