// Written against the product docs (seed 000); works once the databases
// API (issue 4) is merged. Until then the list shows the panel's 404.
import type { Database } from '../api/types';
import { useApp, useLoad } from '../ui/context';
import { FormError, RowError, Submit, TextField, useForm, useRowErrors } from '../ui/form';
import { Page, Section, When } from '../ui/page';
import { ListTable } from '../ui/list_table';
import { dbName, generatePassword, password } from '../validation';

export function Databases() {
  const { api, me } = useApp();
  const list = useLoad(() => api.get<Database[]>('/databases'));
  const rows = useRowErrors();
  // Single-use sign-on URL (seed 000). The tab is opened inside the click
  // (popup blockers allow that), then sent to the URL once it arrives.
  const openPma = (d: Database) =>
    rows.run(d.id, async () => {
      const tab = window.open('about:blank', '_blank');
      try {
        const r = await api.post<{ url: string }>('/databases/{id}/phpmyadmin', {}, { id: d.id });
        if (tab) tab.location.href = r.url;
        else window.location.assign(r.url);
      } catch (e) {
        tab?.close();
        throw e;
      }
    });
  const remove = (d: Database) =>
    rows.run(d.id, async () => {
      if (!window.confirm(`Delete the database ${d.name} and its user? Its data is lost.`)) return;
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
          columns={['Name', 'User', me.role === 'admin' && 'Owner', 'Domain', 'Size', 'Created', 'Actions']}
          row={(d) => (
            <tr key={d.id}>
              <td data-label="Name">{d.name}</td>
              <td data-label="User">{d.user}</td>
              {me.role === 'admin' && <td data-label="Owner">{d.owner}</td>}
              <td data-label="Domain">{d.domain || '—'}</td>
              <td data-label="Size">{d.size_kb} KB</td>
              <td data-label="Created">
                <When at={d.created_at} />
              </td>
              <td data-label="Actions" class="actions">
                <button type="button" onClick={() => openPma(d)} aria-label={`Open phpMyAdmin for ${d.name}`}>
                  phpMyAdmin
                </button>
                <button type="button" class="danger" onClick={() => remove(d)} aria-label={`Delete database ${d.name}`}>
                  Delete
                </button>
                <RowError message={rows.errors[d.id]} />
              </td>
            </tr>
          )}
        />
      </Section>
      <CreateDatabaseForm owner={me.username} onCreated={list.reload} />
    </Page>
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
  const submit = form.submit(async (v) => {
    const body: Record<string, string> = { name: v.name, password: v.password };
    if (v.user) body.user = v.user;
    if (v.domain.trim()) body.domain = v.domain.trim();
    await api.post('/databases', body);
    form.reset();
    await onCreated();
  });
  return (
    <Section title="Create a database">
      <form onSubmit={submit} noValidate>
        <TextField form={form} name="name" autocomplete="off" hint={`Letters, digits and _. Created as ${owner}_<name>.`} />
        <TextField form={form} name="user" autocomplete="off" hint="Empty: the same as the database name." />
        <TextField form={form} name="password" type="text" autocomplete="new-password">
          <button type="button" onClick={() => form.set('password', generatePassword())}>
            Generate
          </button>
        </TextField>
        <TextField form={form} name="domain" autocomplete="off" hint="Optional: one of your domains." />
        <FormError message={form.formError} />
        <Submit busy={form.busy}>Create database</Submit>
      </form>
    </Section>
  );
}
