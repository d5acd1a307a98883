// Packages (admin): the limits a user gets (docs/openapi.yaml /packages).
// -1 means unlimited; `default` always exists and cannot be deleted.
// Two switches: require_2fa (docs/account-security.md), sftp (docs/sftp.md).
import { useState } from 'preact/hooks';
import type { Package } from '../api/types';
import { useApp, useLoad } from '../ui/context';
import { Checkbox, TextField, useForm, useRowErrors, type FieldSpec } from '../ui/form';
import { FormButtons, RowActions, useEditor } from '../ui/crud';
import { Page, Section, When } from '../ui/page';
import { ListTable } from '../ui/list_table';
import { required } from '../validation';

export const LIMITS = [
  ['max_domains', 'Domains'],
  ['max_databases', 'Databases'],
  ['max_ftp_accounts', 'FTP accounts'],
  ['max_cron_jobs', 'Cron jobs'],
  ['disk_quota_mb', 'Disk quota (MB)'],
  // Customer backup schedules: 0 none, N at most N snapshots kept.
  ['max_backups_kept', 'Backups kept'],
  // Extra users on the account's databases (first users not counted).
  ['max_database_users', 'Database users'],
] as const;
type LimitKey = (typeof LIMITS)[number][0];

const limitCheck = (label: string) => (v: string) => (/^(-1|\d+)$/.test(v.trim()) ? null : `${label} must be a whole number (-1: unlimited)`);
const showLimit = (n: number | undefined) => (n === undefined || n < 0 ? 'unlimited' : String(n));

export function Packages() {
  const { api } = useApp();
  const list = useLoad(() => api.get<Package[]>('/packages'));
  const rows = useRowErrors();
  const editor = useEditor<Package>(list.reload);
  const remove = (p: Package) =>
    rows.confirmed(p.name, `Delete the package ${p.name}?`, async () => {
      await api.del('/packages/{name}', { name: p.name });
      await list.reload();
    });
  return (
    <Page title="Packages">
      <Section title="All packages">
        <ListTable
          label="Packages"
          list={list}
          items={list.data}
          columns={['Name', ...LIMITS.map(([, l]) => l), '2FA', 'SFTP', 'Created', 'Actions']}
          row={(p) => (
            <tr key={p.name}>
              <td data-label="Name">{p.name}</td>
              {LIMITS.map(([k, l]) => (
                <td key={k} data-label={l}>
                  {showLimit(p[k])}
                </td>
              ))}
              <td data-label="2FA">{p.require_2fa ? 'required' : 'optional'}</td>
              <td data-label="SFTP">{p.sftp ? 'allowed' : 'forbidden'}</td>
              <td data-label="Created">
                <When at={p.created_at} />
              </td>
              <RowActions
                actions={[
                  { label: 'Edit', aria: `Edit package ${p.name}`, onClick: () => editor.edit(p) },
                  p.name !== 'default' && { label: 'Delete', aria: `Delete package ${p.name}`, onClick: () => remove(p), danger: true },
                ]}
                error={rows.errors[p.name]}
              />
            </tr>
          )}
        />
      </Section>
      {editor.editing && <PackageForm key={editor.editing.name} pkg={editor.editing} onDone={editor.done} />}
      <PackageForm onDone={list.reload} />
    </Page>
  );
}

// Create (no pkg) or edit a package's limits.
export function PackageForm({ pkg, onDone }: { pkg?: Package; onDone: (changed: boolean) => unknown }) {
  const { api } = useApp();
  const spec = {
    name: { label: 'Package name', match: /package|name|exists/i, initial: pkg?.name ?? '', checks: pkg ? [] : [required('Package name'), (v: string) => (/^[a-z0-9_-]{1,32}$/.test(v.trim()) ? null : "Invalid package name (1-32 characters: lowercase letters, digits, '_' or '-')")] },
  } as Record<'name' | LimitKey, FieldSpec>;
  for (const [k, l] of LIMITS) spec[k] = { label: l, match: new RegExp(`\\b${k}\\b`), initial: String(pkg?.[k] ?? -1), checks: [limitCheck(l)] };
  const form = useForm(spec);
  const [require2fa, setRequire2fa] = useState(pkg?.require_2fa ?? false);
  const [sftp, setSftp] = useState(pkg?.sftp ?? true);
  const submit = form.submit(async (v) => {
    const body: Record<string, unknown> = {};
    for (const [k] of LIMITS) if (!pkg || Number(v[k]) !== (pkg[k] ?? -1)) body[k] = Number(v[k]);
    if (!pkg || require2fa !== pkg.require_2fa) body.require_2fa = require2fa;
    if (!pkg || sftp !== pkg.sftp) body.sftp = sftp;
    if (pkg) {
      if (Object.keys(body).length === 0) return onDone(false);
      await api.put('/packages/{name}', body, { name: pkg.name });
      await onDone(true);
      return;
    }
    await api.post('/packages', { name: v.name.trim(), ...body });
    form.reset();
    setRequire2fa(false);
    setSftp(true);
    await onDone(true);
  });
  return (
    <Section focus={!!pkg} onClose={pkg ? () => onDone(false) : undefined} title={pkg ? `Edit package ${pkg.name}` : 'Create a package'}>
      <form onSubmit={submit} noValidate>
        {!pkg && <TextField form={form} name="name" autocomplete="off" />}
        <div class="limits">
          {LIMITS.map(([k]) => (
            <TextField key={k} form={form} name={k} type="number" hint="-1: unlimited" />
          ))}
        </div>
        <Checkbox checked={require2fa} onChange={setRequire2fa}>
          Require two-factor login (accounts must enrol before anything else)
        </Checkbox>
        <Checkbox checked={sftp} onChange={setSftp}>
          SFTP allowed for the accounts' FTP accounts
        </Checkbox>
        <FormButtons form={form} onCancel={pkg && (() => onDone(false))}>
          {pkg ? 'Save' : 'Create package'}
        </FormButtons>
      </form>
    </Section>
  );
}
