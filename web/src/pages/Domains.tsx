import type { Domain } from '../api/types';
import { useApp, useLoad } from '../ui/context';
import { TextField, useForm, useRowErrors } from '../ui/form';
import { FormButtons, RowActions } from '../ui/crud';
import { Page, Section, When } from '../ui/page';
import { ListTable } from '../ui/list_table';
import { domainName, username } from '../validation';

export function Domains() {
  const { api, me } = useApp();
  const isAdmin = me.role === 'admin';
  const list = useLoad(() => api.get<Domain[]>('/domains'));
  const rows = useRowErrors();
  const remove = (d: Domain) =>
    rows.confirmed(d.domain, `Delete the domain ${d.domain}?`, async () => {
      await api.del('/domains/{domain}', { domain: d.domain });
      await list.reload();
    });
  return (
    <Page title="Domains">
      <Section title={isAdmin ? 'All domains' : 'Your domains'}>
        <ListTable
          label="Domains"
          list={list}
          items={list.data}
          columns={['Domain', isAdmin && 'Owner', 'Web directory', 'Created', 'Actions']}
          row={(d) => (
            <tr key={d.domain}>
              <td data-label="Domain">{d.domain}</td>
              {isAdmin && <td data-label="Owner">{d.owner}</td>}
              <td data-label="Web directory">
                <code>{d.document_root}</code>
              </td>
              <td data-label="Created">
                <When at={d.created_at} />
              </td>
              <RowActions actions={[{ label: 'Delete', aria: `Delete domain ${d.domain}`, onClick: () => remove(d), danger: true }]} error={rows.errors[d.domain]} />
            </tr>
          )}
        />
      </Section>
      <CreateDomainForm isAdmin={isAdmin} onCreated={list.reload} />
    </Page>
  );
}

export function CreateDomainForm({ isAdmin, onCreated }: { isAdmin: boolean; onCreated: () => unknown }) {
  const { api } = useApp();
  const form = useForm({
    domain: { label: 'Domain', checks: [domainName] },
    owner: { label: 'Owner', match: /owner/i, checks: [(v) => (v.trim() === '' ? null : username(v))] },
  });
  const submit = form.submit(async (v) => {
    const body: Record<string, string> = { domain: v.domain.trim().toLowerCase() };
    if (isAdmin && v.owner.trim()) body.owner = v.owner.trim();
    await api.post<Domain>('/domains', body);
    form.reset();
    await onCreated();
  });
  return (
    <Section title="Add a domain">
      <form onSubmit={submit} noValidate>
        <TextField form={form} name="domain" placeholder="example.com" autocomplete="off" />
        {isAdmin && <TextField form={form} name="owner" hint="The user who gets the domain; empty: you." autocomplete="off" />}
        <FormButtons form={form}>Add domain</FormButtons>
      </form>
    </Section>
  );
}
