// Database hosts (admin; issue 21, docs/openapi/database_hosts.yaml): the
// panel's own MariaDB ("local"), standalone servers and Galera clusters,
// with each node's state; add one (the panel checks the connection and the
// admin account's grants and says what is missing), enable/disable, remove.
import { useState } from 'preact/hooks';
import type { DatabaseHost } from '../api/types';
import { useApp, useLoad } from '../ui/context';
import { Checkbox, PasswordField, TextField, useForm, useRowErrors } from '../ui/form';
import { FormButtons, RowActions } from '../ui/crud';
import { Page, Section } from '../ui/page';
import { ListTable } from '../ui/list_table';
import { required } from '../validation';

export function describeHealth(h: DatabaseHost): string {
  if (h.kind !== 'galera') return h.up ? 'up' : 'down';
  const size = Math.max(0, ...h.health.map((n) => n.cluster_size ?? 0));
  const nodes = h.health.map((n) => `${n.address} ${n.reachable ? n.state : 'unreachable'}`).join(', ');
  return `${h.up ? 'up' : 'down'}, cluster size ${size}: ${nodes}`;
}

// "10.0.0.1:3306, 10.0.0.2" -> nodes (port 3306 when left out).
export function parseNodes(v: string): { host: string; port: number }[] {
  return v
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((a) => {
      const m = /^(.*?)(?::(\d+))?$/.exec(a)!;
      return { host: m[1], port: m[2] ? Number(m[2]) : 3306 };
    });
}

export function DatabaseHosts() {
  const { api } = useApp();
  const list = useLoad(() => api.get<DatabaseHost[]>('/database-hosts'));
  const rows = useRowErrors();
  const toggle = (h: DatabaseHost) =>
    rows.run(h.id, async () => {
      await api.put('/database-hosts/{id}', { enabled: !h.enabled }, { id: h.id });
      await list.reload();
    });
  const remove = (h: DatabaseHost) =>
    rows.confirmed(h.id, `Remove the database host ${h.name}? Its databases must be gone first.`, async () => {
      await api.del('/database-hosts/{id}', { id: h.id });
      await list.reload();
    });
  return (
    <Page title="Database hosts">
      <Section title="Hosts">
        <ListTable
          label="Database hosts"
          list={list}
          items={list.data}
          columns={['Name', 'Kind', 'Address', 'Databases', 'Health', 'Enabled', 'Actions']}
          row={(h) => (
            <tr key={h.id}>
              <td data-label="Name">{h.name}</td>
              <td data-label="Kind">{h.kind}</td>
              <td data-label="Address">{h.kind === 'local' ? 'the panel\u2019s own' : h.kind === 'galera' ? (h.nodes ?? []).map((n) => `${n.host}:${n.port}`).join(', ') : `${h.host}:${h.port}`}</td>
              <td data-label="Databases">
                {h.databases}
                {h.max_databases >= 0 ? ` / ${h.max_databases}` : ''}
              </td>
              <td data-label="Health">{describeHealth(h)}</td>
              <td data-label="Enabled">
                {h.enabled ? 'yes' : 'no'}
                {h.packages?.length ? ` (default for ${h.packages.join(', ')})` : ''}
              </td>
              <RowActions
                actions={[
                  h.kind !== 'local' && { label: h.enabled ? 'Disable' : 'Enable', aria: `${h.enabled ? 'Disable' : 'Enable'} ${h.name}`, onClick: () => toggle(h) },
                  h.kind !== 'local' && { label: 'Remove', aria: `Remove host ${h.name}`, onClick: () => remove(h), danger: true },
                ]}
                error={rows.errors[h.id]}
              />
            </tr>
          )}
        />
      </Section>
      <AddDatabaseHostForm onAdded={list.reload} />
    </Page>
  );
}

export function AddDatabaseHostForm({ onAdded }: { onAdded: () => unknown }) {
  const { api } = useApp();
  const [galera, setGalera] = useState(false);
  const [tls, setTls] = useState(false);
  const form = useForm({
    name: { label: 'Name', match: /\bname\b|exists/i, checks: [required('Name'), (v) => (/^[a-z0-9_-]{1,32}$/.test(v.trim()) ? null : "Invalid name (1-32 characters: lowercase letters, digits, '_' or '-')")] },
    address: { label: 'Address', match: /Invalid host|Invalid nodes|nodes is|Cannot connect/i, checks: [required('Address')] },
    admin_user: { label: 'Admin user', match: /admin_user|lacks|grant/i, checks: [required('Admin user')] },
    admin_password: { label: 'Admin password', match: /admin_password/i, checks: [required('Admin password')] },
    client_host: { label: 'Customers connect from', match: /client_host/i, initial: '%' },
    packages: { label: 'Default for packages', match: /package/i },
  });
  const submit = form.submit(async (v) => {
    const body: Record<string, unknown> = { name: v.name.trim(), kind: galera ? 'galera' : 'mariadb', admin_user: v.admin_user, admin_password: v.admin_password, tls };
    const nodes = parseNodes(v.address);
    if (galera) body.nodes = nodes;
    else {
      body.host = nodes[0]?.host ?? '';
      body.port = nodes[0]?.port ?? 3306;
    }
    if (v.client_host.trim() && v.client_host.trim() !== '%') body.client_host = v.client_host.trim();
    const packages = v.packages.split(/[\s,]+/).filter(Boolean);
    if (packages.length) body.packages = packages;
    await api.post('/database-hosts', body);
    form.reset();
    await onAdded();
  });
  return (
    <Section title="Add a database host">
      <form onSubmit={submit} noValidate>
        <TextField form={form} name="name" autocomplete="off" />
        <Checkbox checked={galera} onChange={setGalera}>
          Galera cluster (list every node)
        </Checkbox>
        <TextField form={form} name="address" autocomplete="off" placeholder={galera ? '10.0.0.11:3306, 10.0.0.12:3306, 10.0.0.13:3306' : '10.0.0.10:3306'} hint="host:port; the port defaults to 3306." />
        <TextField form={form} name="admin_user" autocomplete="off" hint="Needs the panel's grant ON *.* WITH GRANT OPTION (docs/databases.md)." />
        <PasswordField form={form} name="admin_password" hint="Kept in a 0600 file on the panel; never shown again." />
        <TextField form={form} name="client_host" autocomplete="off" hint="Host part of customers' accounts there: where their sites connect from." />
        <TextField form={form} name="packages" autocomplete="off" hint="Optional: packages whose new databases go to this host (comma-separated)." />
        <Checkbox checked={tls} onChange={setTls}>
          Require TLS
        </Checkbox>
        <FormButtons form={form}>Add host</FormButtons>
      </form>
    </Section>
  );
}
