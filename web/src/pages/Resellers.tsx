// Resellers (docs/resellers.md, docs/openapi/resellers.yaml). An admin sees
// every reseller (customers, allocation), creates, limits, moves customers
// and deletes; a reseller sees its dashboard: its customers and what they
// use and are promised against its allocation.
import type { Reseller, ResellerDashboard, ResellerUsage } from '../api/types';
import { useApp, useLoad } from '../ui/context';
import { PasswordField, TextField, useForm, useRowErrors, type FieldSpec } from '../ui/form';
import { FormButtons, RowActions, useEditor } from '../ui/crud';
import { LoadState, Page, Section } from '../ui/page';
import { ListTable } from '../ui/list_table';
import { email, password, required, username } from '../validation';

export const ALLOCATION = [
  ['max_users', 'Users'],
  ['max_domains', 'Domains'],
  ['max_databases', 'Databases'],
  ['max_ftp_accounts', 'FTP accounts'],
  ['max_cron_jobs', 'Cron jobs'],
  ['disk_quota_mb', 'Disk (MB)'],
] as const;
type AllocationKey = (typeof ALLOCATION)[number][0];

const USAGE_LABELS: Record<string, string> = {
  users: 'Users',
  domains: 'Domains',
  databases: 'Databases',
  ftp_accounts: 'FTP accounts',
  cron_jobs: 'Cron jobs',
  disk_quota_mb: 'Disk (MB)',
};

const show = (n: number) => (n < 0 ? 'unlimited' : String(n));

// "3 / 10" (what is allocated of the limit).
export function ofLimit(used: number, limit: number): string {
  return `${show(used)} / ${show(limit)}`;
}

export function Resellers() {
  const { me } = useApp();
  return me.role === 'admin' ? <AdminResellers /> : <ResellerDashboardPage />;
}

// The reseller's own page.
export function ResellerDashboardPage() {
  const { api } = useApp();
  const dash = useLoad(() => api.get<ResellerDashboard>('/resellers/dashboard'));
  return (
    <Page title="Reseller dashboard">
      <Section title="Allocation">
        <LoadState loading={dash.loading} error={dash.error} />
        {dash.data && <UsageTable usage={dash.data} />}
      </Section>
      <Section title="Your customers">
        <ListTable
          label="Customers"
          list={dash}
          items={dash.data?.customers ?? null}
          columns={['Customer', 'Package', 'Domains', 'Databases', 'FTP accounts', 'Cron jobs']}
          row={(c) => (
            <tr key={c.username}>
              <td data-label="Customer">{c.username}</td>
              <td data-label="Package">{c.package}</td>
              {(['domains', 'databases', 'ftp_accounts', 'cron_jobs'] as const).map((k) => (
                <td key={k} data-label={USAGE_LABELS[k]}>
                  {c.usage[k] ? ofLimit(c.usage[k].used, c.usage[k].limit) : '–'}
                </td>
              ))}
            </tr>
          )}
        />
      </Section>
    </Page>
  );
}

// Item, in use, promised by the customers' packages, allocation.
export function UsageTable({ usage }: { usage: ResellerUsage }) {
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col">In use</th>
            <th scope="col">Promised by packages</th>
            <th scope="col">Allocation</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(usage.usage).map(([k, u]) => (
            <tr key={k} class={u.limit >= 0 && (u.allocated < 0 || u.allocated >= u.limit) ? 'full' : undefined}>
              <td data-label="Item">{USAGE_LABELS[k] ?? k}</td>
              <td data-label="In use">{k === 'disk_quota_mb' ? '–' : String(u.used)}</td>
              <td data-label="Promised by packages">{show(u.allocated)}</td>
              <td data-label="Allocation">{show(u.limit)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AdminResellers() {
  const { api } = useApp();
  const list = useLoad(() => api.get<Reseller[]>('/resellers'));
  const rows = useRowErrors();
  const editor = useEditor<Reseller>(list.reload);
  const remove = (r: Reseller) =>
    rows.confirmed(r.username, `Delete the reseller ${r.username}?`, async () => {
      // With customers the panel refuses unless they go somewhere.
      let query: Record<string, string> | undefined;
      if (r.users_count > 0) {
        const to = window.prompt(`${r.username} has ${r.users_count} customer(s). Move them to (a reseller or admin):`);
        if (!to) return;
        query = { reassign_to: to.trim() };
      }
      await api.del('/resellers/{username}', { username: r.username }, query);
      await list.reload();
    });
  return (
    <Page title="Resellers">
      <Section title="All resellers">
        <ListTable
          label="Resellers"
          list={list}
          items={list.data}
          columns={['Reseller', 'Status', ...ALLOCATION.map(([, l]) => l), 'Actions']}
          row={(r) => (
            <tr key={r.username}>
              <td data-label="Reseller">{r.username}</td>
              <td data-label="Status">{r.status}</td>
              {ALLOCATION.map(([k, l]) => (
                <td key={k} data-label={l}>
                  {ofLimit(r.allocated[k], r[k])}
                </td>
              ))}
              <RowActions
                actions={[
                  { label: 'Limits', aria: `Edit limits of ${r.username}`, onClick: () => editor.edit(r) },
                  { label: 'Delete', aria: `Delete reseller ${r.username}`, onClick: () => remove(r), danger: true },
                ]}
                error={rows.errors[r.username]}
              />
            </tr>
          )}
        />
      </Section>
      {editor.editing && <LimitsForm key={editor.editing.username} reseller={editor.editing} onDone={editor.done} />}
      <CreateResellerForm onCreated={list.reload} />
      <TransferForm onDone={list.reload} />
    </Page>
  );
}

const limitCheck = (label: string) => (v: string) => (/^(-1|\d+)$/.test(v.trim()) ? null : `${label} must be a whole number (-1: unlimited)`);

export function LimitsForm({ reseller, onDone }: { reseller: Reseller; onDone: (changed: boolean) => unknown }) {
  const { api } = useApp();
  const spec = {} as Record<AllocationKey, FieldSpec>;
  for (const [k, l] of ALLOCATION) spec[k] = { label: l, match: new RegExp(`\\b${k}\\b`), initial: String(reseller[k]), checks: [limitCheck(l)] };
  const form = useForm(spec);
  const submit = form.submit(async (v) => {
    const body: Record<string, number> = {};
    for (const [k] of ALLOCATION) if (Number(v[k]) !== reseller[k]) body[k] = Number(v[k]);
    if (Object.keys(body).length === 0) return onDone(false);
    await api.put('/resellers/{username}/limits', body, { username: reseller.username });
    await onDone(true);
  });
  return (
    <Section focus title={`Allocation of ${reseller.username}`}>
      <form onSubmit={submit} noValidate>
        <div class="limits">
          {ALLOCATION.map(([k]) => (
            <TextField key={k} form={form} name={k} type="number" hint="-1: unlimited" />
          ))}
        </div>
        <FormButtons form={form} onCancel={() => onDone(false)}>
          Save
        </FormButtons>
      </form>
    </Section>
  );
}

export function CreateResellerForm({ onCreated }: { onCreated: () => unknown }) {
  const { api } = useApp();
  const form = useForm({
    username: { label: 'Username', match: /username/i, checks: [username] },
    email: { label: 'Email', match: /email/i, checks: [email] },
    password: { label: 'Password', match: /password/i, checks: [password('Password')] },
  });
  const submit = form.submit(async (v) => {
    await api.post('/resellers', { username: v.username.trim(), email: v.email.trim(), password: v.password });
    form.reset();
    await onCreated();
  });
  return (
    <Section title="Create a reseller">
      <form onSubmit={submit} noValidate>
        <TextField form={form} name="username" autocomplete="off" />
        <TextField form={form} name="email" type="email" autocomplete="off" />
        <PasswordField form={form} name="password" />
        <FormButtons form={form}>Create reseller</FormButtons>
      </form>
    </Section>
  );
}

export function TransferForm({ onDone }: { onDone: () => unknown }) {
  const { api } = useApp();
  const form = useForm({
    username: { label: 'User', match: /username|user/i, checks: [required('User')] },
    to: { label: 'To (reseller or admin)', match: /\bto\b/i, checks: [required('To')] },
    package: { label: 'Package', match: /package/i },
  });
  const submit = form.submit(async (v) => {
    const body: Record<string, string> = { username: v.username.trim(), to: v.to.trim() };
    if (v.package.trim()) body.package = v.package.trim();
    await api.post('/resellers/transfer-user', body);
    form.reset();
    await onDone();
  });
  return (
    <Section title="Move a user to another reseller">
      <form onSubmit={submit} noValidate>
        <TextField form={form} name="username" autocomplete="off" />
        <TextField form={form} name="to" autocomplete="off" />
        <TextField form={form} name="package" autocomplete="off" hint="One of the new owner's packages; empty: keep the user's own." />
        <FormButtons form={form}>Move user</FormButtons>
      </form>
    </Section>
  );
}
