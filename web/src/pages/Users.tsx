import type { AccountUsage, Package, User } from '../api/types';
import { useApp, useLoad } from '../ui/context';
import { TextField, useForm, useRowErrors, type Form } from '../ui/form';
import { FormButtons, RowActions, useEditor } from '../ui/crud';
import { Page, Section, When } from '../ui/page';
import { ListTable } from '../ui/list_table';
import { Status } from '../ui/status';
import { email, password, username } from '../validation';

export function Users() {
  const { api, me, loginAs } = useApp();
  const list = useLoad(() => api.get<User[]>('/users'));
  // Suggestions for the package fields (a failure only loses them).
  const packages = useLoad(() => api.get<Package[]>('/packages').catch(() => [] as Package[]));
  // Which accounts are near or over their package's limits, at a glance (a
  // failure only loses the column's content).
  const usage = useLoad(() => api.get<AccountUsage[]>('/usage').catch(() => [] as AccountUsage[]));
  const usageOf = (name: string) => usage.data?.find((x) => x.username === name);
  const rows = useRowErrors();
  const editor = useEditor<User>(list.reload);
  // Suspending locks the account and its sites out: asked first.
  const setStatus = (u: User) => {
    const who = { username: u.username };
    if (u.status === 'active')
      return rows.confirmed(u.username, `Suspend ${u.username}? The account can no longer log in and its FTP accounts and API keys stop working until it is unsuspended.`, async () => {
        await api.post('/users/{username}/suspend', {}, who);
        await list.reload();
      });
    return rows.run(u.username, async () => {
      await api.post('/users/{username}/unsuspend', {}, who);
      await list.reload();
    });
  };
  const remove = (u: User) =>
    rows.confirmed(u.username, `Delete ${u.username} and everything it owns (databases, FTP accounts, cron jobs, domains, files)?`, async () => {
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
          columns={['Username', 'Email', 'Role', 'Package', 'Limits', 'Status', 'Created', 'Actions']}
          row={(u) => (
            <tr key={u.username}>
              <td data-label="Username">{u.username}</td>
              <td data-label="Email">{u.email}</td>
              <td data-label="Role">{u.role}</td>
              <td data-label="Package">{u.package}</td>
              <td data-label="Limits">
                <LimitsCell usage={usageOf(u.username)} />
              </td>
              <td data-label="Status">
                <Status word={u.status} />
              </td>
              <td data-label="Created">
                <When at={u.created_at} />
              </td>
              <RowActions
                actions={[
                  { label: 'Edit', aria: `Edit ${u.username}`, onClick: () => editor.edit(u) },
                  // Not oneself: an admin cannot lock itself out.
                  u.username !== me.username && { label: u.status === 'active' ? 'Suspend' : 'Unsuspend', aria: `${u.status === 'active' ? 'Suspend' : 'Unsuspend'} ${u.username}`, onClick: () => setStatus(u) },
                  u.username !== me.username && { label: 'Delete', aria: `Delete user ${u.username}`, onClick: () => remove(u), danger: true },
                  // For an account that lost its authenticator (audited).
                  u.username !== me.username && { label: 'Reset 2FA', aria: `Reset 2FA (two-factor authentication) of ${u.username}`, onClick: () => rows.confirmed(u.username, `Turn off two-factor authentication for ${u.username}?`, () => api.del('/users/{username}/2fa', { username: u.username })) },
                  // Login-as (audited with both names; docs/account-security.md).
                  u.username !== me.username && u.status === 'active' && !!loginAs && { label: 'Log in as', aria: `Log in as ${u.username}`, onClick: () => rows.run(u.username, () => loginAs(u.username)) },
                ]}
                error={rows.errors[u.username]}
              />
            </tr>
          )}
        />
      </Section>
      {editor.editing && <EditUserForm key={editor.editing.username} user={editor.editing} onDone={editor.done} />}
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
  return (
    <Section title="Create a user">
      <form onSubmit={submit} noValidate>
        <TextField form={form} name="username" autocomplete="off" hint="2-32 characters: a lowercase letter, then lowercase letters or digits." />
        <TextField form={form} name="email" type="email" autocomplete="off" />
        <TextField form={form} name="password" type="password" autocomplete="new-password" hint="At least 8 characters." />
        <RoleField form={form} />
        <TextField form={form} name="package" autocomplete="off" list="package-names" />
        <FormButtons form={form}>Create user</FormButtons>
      </form>
    </Section>
  );
}

// Admin edit of a user: email, role, package, and a new password when one
// is typed. Only changed fields are sent.
export function EditUserForm({ user, onDone }: { user: User; onDone: (changed: boolean) => unknown }) {
  const { api, me } = useApp();
  // One's own password (an admin editing their own account here) needs the
  // current one, as on the Account page; another account's does not.
  const own = me.username === user.username;
  const form = useForm({
    email: { label: 'Email', initial: user.email, checks: [email] },
    role: { label: 'Role', initial: user.role, match: /\b(role|admin)\b/i },
    package: { label: 'Package', initial: user.package, match: /package/i },
    password: { label: 'New password', checks: [(v) => (v === '' ? null : password('Password')(v))] },
    current_password: { label: 'Current password', match: /current_password|Current password/ },
  });
  const submit = form.submit(async (v) => {
    const body: Record<string, string> = {};
    if (v.email.trim() !== user.email) body.email = v.email.trim();
    if (v.role !== user.role) body.role = v.role;
    if (v.package.trim() !== user.package) body.package = v.package.trim();
    if (v.password) body.password = v.password;
    if (v.password && own) {
      if (!v.current_password) throw new Error('Current password is required to change your own password');
      body.current_password = v.current_password;
    }
    if (Object.keys(body).length === 0) return onDone(false);
    await api.put<User>('/users/{username}', body, { username: user.username });
    await onDone(true);
  });
  return (
    <Section focus onClose={() => onDone(false)} title={`Edit ${user.username}`}>
      <form onSubmit={submit} noValidate>
        <TextField form={form} name="email" type="email" autocomplete="off" />
        <RoleField form={form} />
        <TextField form={form} name="package" autocomplete="off" list="package-names" />
        <TextField form={form} name="password" type="password" autocomplete="new-password" hint="Empty: unchanged." />
        {own && <TextField form={form} name="current_password" type="password" autocomplete="current-password" hint="Needed to change your own password." />}
        <FormButtons form={form} onCancel={() => onDone(false)}>
          Save
        </FormButtons>
      </form>
    </Section>
  );
}

// The role select of both user forms (its error, like a text field's, below it).
function RoleField({ form }: { form: Form<'role'> }) {
  const id = form.id('role');
  return (
    <div class="field">
      <label for={id}>Role</label>
      <select id={id} name="role" value={form.values.role} onChange={(e) => form.set('role', e.currentTarget.value)}>
        <option value="user">user</option>
        <option value="admin">admin</option>
      </select>
      {form.errors.role && (
        <p class="field-error" role="alert">
          {form.errors.role}
        </p>
      )}
    </div>
  );
}

// "over: domains" / "near: cron jobs" for an account past or close to (80%)
// its package's limits; "ok" otherwise.
export function LimitsCell({ usage }: { usage?: AccountUsage }) {
  if (!usage) return <span class="muted">–</span>;
  const label = (names: string[]) => names.map((n) => n.replace('_', ' ')).join(', ');
  const over = usage.over_limit;
  const near = usage.near_limit.filter((n) => !over.includes(n));
  if (over.length === 0 && near.length === 0) return <span class="muted">ok</span>;
  return (
    <span>
      {over.length > 0 && <strong class="row-error">over: {label(over)}</strong>}
      {over.length > 0 && near.length > 0 && '; '}
      {near.length > 0 && <span>near: {label(near)}</span>}
    </span>
  );
}
