// A database's users (issue 21, docs/openapi/database_users.yaml): the
// first user and the extra ones, each with a privilege set (read,
// read_write, all or an explicit list), its own remote host and password.
import { useState } from 'preact/hooks';
import type { Database, DatabasePrivileges, DatabaseUser } from '../api/types';
import { useApp, useLoad } from '../ui/context';
import { PasswordField, TextField, useForm, useRowErrors } from '../ui/form';
import { FormButtons, RowActions } from '../ui/crud';
import { Section } from '../ui/page';
import { ListTable } from '../ui/list_table';
import { dbName, password } from '../validation';

// The explicit privileges the API accepts (database level only).
export const PRIVILEGES = [
  'SELECT', 'INSERT', 'UPDATE', 'DELETE', 'CREATE', 'DROP', 'REFERENCES', 'INDEX', 'ALTER',
  'CREATE TEMPORARY TABLES', 'LOCK TABLES', 'EXECUTE', 'CREATE VIEW', 'SHOW VIEW',
  'CREATE ROUTINE', 'ALTER ROUTINE', 'EVENT', 'TRIGGER', 'DELETE HISTORY',
] as const;

const SETS: Record<string, string> = {
  read: 'Read (SELECT, SHOW VIEW)',
  read_write: 'Read and write (+ INSERT, UPDATE, DELETE, LOCK TABLES, temporary tables, EXECUTE)',
  all: 'All on this database (no GRANT OPTION)',
  custom: 'Choose privileges…',
};

export function describePrivileges(p: DatabasePrivileges): string {
  if (Array.isArray(p)) return p.join(', ');
  return { read: 'read', read_write: 'read/write', all: 'all' }[p] ?? p;
}

// The set picker: one of the named sets, or a list of checkboxes.
function PrivilegePicker({ value, onChange }: { value: DatabasePrivileges; onChange: (p: DatabasePrivileges) => void }) {
  const mode = Array.isArray(value) ? 'custom' : value;
  const list = Array.isArray(value) ? value : [];
  return (
    <fieldset class="field">
      <legend>Privileges</legend>
      <select aria-label="Privileges" value={mode} onChange={(e) => {
        const v = (e.currentTarget as HTMLSelectElement).value;
        onChange(v === 'custom' ? ['SELECT'] : (v as DatabasePrivileges));
      }}>
        {Object.entries(SETS).map(([k, label]) => (
          <option key={k} value={k}>{label}</option>
        ))}
      </select>
      {mode === 'custom' && (
        <div class="checks">
          {PRIVILEGES.map((p) => (
            <label key={p}>
              <input type="checkbox" aria-label={p} checked={list.includes(p)} onChange={(e) => {
                const on = (e.currentTarget as HTMLInputElement).checked;
                onChange(PRIVILEGES.filter((q) => (q === p ? on : list.includes(q))));
              }} /> {p}
            </label>
          ))}
        </div>
      )}
    </fieldset>
  );
}

export function DatabaseUsers({ db, onClose }: { db: Database; onClose: () => unknown }) {
  const { api } = useApp();
  const list = useLoad(() => api.get<DatabaseUser[]>('/databases/{id}/users', { id: db.id }), [db.id]);
  const rows = useRowErrors();
  const [editing, setEditing] = useState<DatabaseUser | null>(null);
  const remove = (u: DatabaseUser) =>
    rows.confirmed(u.user, `Drop the database user ${u.user}? Its logins stop working at once.`, async () => {
      await api.del('/databases/{id}/users/{user}', { id: db.id, user: u.user });
      await list.reload();
    });
  return (
    <Section focus title={`Users of ${db.name}`}>
      <ListTable
        label="Database users"
        list={list}
        items={list.data}
        columns={['User', 'Privileges', 'Remote host', 'Actions']}
        row={(u) => (
          <tr key={u.user}>
            <td data-label="User">
              {u.user} {u.primary && <span class="muted">(first user)</span>}
            </td>
            <td data-label="Privileges">{describePrivileges(u.privileges)}</td>
            <td data-label="Remote host">{u.remote_host ? <code>{u.remote_host}</code> : <span class="muted">local only</span>}</td>
            <RowActions
              actions={[
                !u.primary && { label: 'Change', aria: `Change ${u.user}`, onClick: () => setEditing(u) },
                !u.primary && { label: 'Delete', aria: `Delete user ${u.user}`, onClick: () => remove(u), danger: true },
              ]}
              error={rows.errors[u.user]}
            />
          </tr>
        )}
      />
      {editing && (
        <EditDatabaseUserForm key={editing.user} db={db} user={editing} onDone={async (changed) => {
          setEditing(null);
          if (changed) await list.reload();
        }} />
      )}
      <AddDatabaseUserForm db={db} onAdded={list.reload} />
      <button type="button" onClick={() => onClose()}>Close</button>
    </Section>
  );
}

const hostCheck = (v: string) => (/[\s'"`\\]/.test(v.trim()) ? 'Remote host must not contain spaces or quotes' : null);

export function AddDatabaseUserForm({ db, onAdded }: { db: Database; onAdded: () => unknown }) {
  const { api } = useApp();
  const [privileges, setPrivileges] = useState<DatabasePrivileges>('read');
  const form = useForm({
    user: { label: 'User name', match: /\buser\b/i, checks: [dbName('User name')] },
    password: { label: 'Password', match: /password/i, checks: [password()] },
    remote_host: { label: 'Remote host', match: /remote|host/i, checks: [hostCheck] },
  });
  const submit = form.submit(async (v) => {
    const body: Record<string, unknown> = { user: v.user, password: v.password, privileges };
    if (v.remote_host.trim()) body.remote_host = v.remote_host.trim();
    await api.post('/databases/{id}/users', body, { id: db.id });
    form.reset();
    setPrivileges('read');
    await onAdded();
  });
  return (
    <form onSubmit={submit} noValidate aria-label="Add a database user">
      <h3>Add a user</h3>
      <TextField form={form} name="user" autocomplete="off" hint={`Letters, digits and _. Created as ${db.owner}_<name>.`} />
      <PasswordField form={form} name="password" />
      <PrivilegePicker value={privileges} onChange={setPrivileges} />
      <TextField form={form} name="remote_host" autocomplete="off" hint="Optional: an IP address, a CIDR range, a host name pattern or %." />
      <FormButtons form={form}>Add user</FormButtons>
    </form>
  );
}

export function EditDatabaseUserForm({ db, user, onDone }: { db: Database; user: DatabaseUser; onDone: (changed: boolean) => unknown }) {
  const { api } = useApp();
  const [privileges, setPrivileges] = useState<DatabasePrivileges>(user.privileges);
  const form = useForm({
    password: { label: 'New password', match: /password/i, checks: [(v) => (v === '' ? null : password('Password')(v))] },
    remote_host: { label: 'Remote host', match: /remote|host/i, initial: user.remote_host ?? '', checks: [hostCheck] },
  });
  const submit = form.submit(async (v) => {
    const body: Record<string, unknown> = { privileges, remote_host: v.remote_host.trim() === '' ? null : v.remote_host.trim() };
    if (v.password) body.password = v.password;
    await api.put('/databases/{id}/users/{user}', body, { id: db.id, user: user.user });
    await onDone(true);
  });
  return (
    <form onSubmit={submit} noValidate aria-label={`Change ${user.user}`}>
      <h3>Change {user.user}</h3>
      <PrivilegePicker value={privileges} onChange={setPrivileges} />
      <TextField form={form} name="remote_host" autocomplete="off" hint="Empty: local logins only." />
      <PasswordField form={form} name="password" hint="Empty: unchanged." />
      <FormButtons form={form} onCancel={() => onDone(false)}>Save user</FormButtons>
    </form>
  );
}
