import { useState } from 'preact/hooks';
import type { Package, User } from '../api/types';
import { useApp, useLoad } from '../ui/context';
import { FormError, RowError, Submit, TextField, useForm, useRowErrors } from '../ui/form';
import { Page, Section, When } from '../ui/page';
import { ListTable } from '../ui/list_table';
import { email, password, username } from '../validation';

export function Users() {
  const { api, me } = useApp();
  const list = useLoad(() => api.get<User[]>('/users'));
  // Suggestions for the package fields (a failure only loses them).
  const packages = useLoad(() => api.get<Package[]>('/packages').catch(() => [] as Package[]));
  const rows = useRowErrors();
  const [editing, setEditing] = useState<User | null>(null);
  const setStatus = (u: User) =>
    rows.run(u.username, async () => {
      const who = { username: u.username };
      if (u.status === 'active') await api.post('/users/{username}/suspend', {}, who);
      else await api.post('/users/{username}/unsuspend', {}, who);
      await list.reload();
    });
  const remove = (u: User) =>
    rows.run(u.username, async () => {
      if (!window.confirm(`Delete ${u.username} and everything it owns (databases, FTP accounts, cron jobs, domains, files)?`)) return;
      await api.del('/users/{username}', { username: u.username });
      await list.reload();
    });
  return (
    <Page title="Users">
      <Section title="All users">
        <ListTable
          label="Users"
          list={list}
          items={list.data}
          columns={['Username', 'Email', 'Role', 'Package', 'Status', 'Created', 'Actions']}
          row={(u) => (
            <tr key={u.username}>
              <td data-label="Username">{u.username}</td>
              <td data-label="Email">{u.email}</td>
              <td data-label="Role">{u.role}</td>
              <td data-label="Package">{u.package}</td>
              <td data-label="Status">{u.status}</td>
              <td data-label="Created">
                <When at={u.created_at} />
              </td>
              <td data-label="Actions" class="actions">
                <button type="button" onClick={() => setEditing(u)} aria-label={`Edit ${u.username}`}>
                  Edit
                </button>
                {u.username !== me.username && (
                  <>
                    <button type="button" onClick={() => setStatus(u)} aria-label={`${u.status === 'active' ? 'Suspend' : 'Unsuspend'} ${u.username}`}>
                      {u.status === 'active' ? 'Suspend' : 'Unsuspend'}
                    </button>
                    <button type="button" class="danger" onClick={() => remove(u)} aria-label={`Delete user ${u.username}`}>
                      Delete
                    </button>
                  </>
                )}
                <RowError message={rows.errors[u.username]} />
              </td>
            </tr>
          )}
        />
      </Section>
      {editing && (
        <EditUserForm
          key={editing.username}
          user={editing}
          onDone={async (changed) => {
            setEditing(null);
            if (changed) await list.reload();
          }}
        />
      )}
      <CreateUserForm onCreated={list.reload} />
      <datalist id="package-names">
        {(packages.data ?? []).map((p) => (
          <option key={p.name} value={p.name} />
        ))}
      </datalist>
    </Page>
  );
}

export function CreateUserForm({ onCreated }: { onCreated: () => unknown }) {
  const { api } = useApp();
  const form = useForm({
    username: { label: 'Username', match: /^user already exists/i, checks: [username] },
    email: { label: 'Email', checks: [email] },
    password: { label: 'Password', checks: [password()] },
    role: { label: 'Role', initial: 'user', match: /\brole\b/i },
    package: { label: 'Package', initial: 'default', match: /package/i },
  });
  const submit = form.submit(async (v) => {
    await api.post<User>('/users', {
      username: v.username.trim(),
      email: v.email.trim(),
      password: v.password,
      role: v.role,
      package: v.package.trim() || 'default',
    });
    form.reset();
    await onCreated();
  });
  const roleId = form.id('role');
  return (
    <Section title="Create a user">
      <form onSubmit={submit} noValidate>
        <TextField form={form} name="username" autocomplete="off" hint="2-32 characters: a lowercase letter, then lowercase letters or digits." />
        <TextField form={form} name="email" type="email" autocomplete="off" />
        <TextField form={form} name="password" type="password" autocomplete="new-password" hint="At least 8 characters." />
        <div class="field">
          <label for={roleId}>Role</label>
          <select id={roleId} name="role" value={form.values.role} onChange={(e) => form.set('role', e.currentTarget.value)}>
            <option value="user">user</option>
            <option value="admin">admin</option>
          </select>
          {form.errors.role && (
            <p class="field-error" role="alert">
              {form.errors.role}
            </p>
          )}
        </div>
        <TextField form={form} name="package" autocomplete="off" list="package-names" />
        <FormError message={form.formError} />
        <Submit busy={form.busy}>Create user</Submit>
      </form>
    </Section>
  );
}

// Admin edit of a user: email, role, package, and a new password when one
// is typed. Only changed fields are sent.
export function EditUserForm({ user, onDone }: { user: User; onDone: (changed: boolean) => unknown }) {
  const { api } = useApp();
  const form = useForm({
    email: { label: 'Email', initial: user.email, checks: [email] },
    role: { label: 'Role', initial: user.role, match: /\b(role|admin)\b/i },
    package: { label: 'Package', initial: user.package, match: /package/i },
    password: { label: 'New password', checks: [(v) => (v === '' ? null : password('Password')(v))] },
  });
  const submit = form.submit(async (v) => {
    const body: Record<string, string> = {};
    if (v.email.trim() !== user.email) body.email = v.email.trim();
    if (v.role !== user.role) body.role = v.role;
    if (v.package.trim() !== user.package) body.package = v.package.trim();
    if (v.password) body.password = v.password;
    if (Object.keys(body).length === 0) return onDone(false);
    await api.put<User>('/users/{username}', body, { username: user.username });
    await onDone(true);
  });
  const roleId = form.id('role');
  return (
    <Section focus title={`Edit ${user.username}`}>
      <form onSubmit={submit} noValidate>
        <TextField form={form} name="email" type="email" autocomplete="off" />
        <div class="field">
          <label for={roleId}>Role</label>
          <select id={roleId} name="role" value={form.values.role} onChange={(e) => form.set('role', e.currentTarget.value)}>
            <option value="user">user</option>
            <option value="admin">admin</option>
          </select>
          {form.errors.role && (
            <p class="field-error" role="alert">
              {form.errors.role}
            </p>
          )}
        </div>
        <TextField form={form} name="package" autocomplete="off" list="package-names" />
        <TextField form={form} name="password" type="password" autocomplete="new-password" hint="Empty: unchanged." />
        <FormError message={form.formError} />
        <div class="buttons">
          <Submit busy={form.busy}>Save</Submit>
          <button type="button" onClick={() => onDone(false)}>
            Cancel
          </button>
        </div>
      </form>
    </Section>
  );
}
