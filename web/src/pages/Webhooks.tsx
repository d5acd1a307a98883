// Webhooks (docs/integrations.md): list, create (the secret is shown once),
// send a test, see a hook's deliveries, delete.
import { useState } from 'preact/hooks';
import { useApp, useLoad } from '../ui/context';
import { FormButtons, RowActions } from '../ui/crud';
import { TextField, useForm, useRowErrors } from '../ui/form';
import { ListTable } from '../ui/list_table';
import { Page, Section, When } from '../ui/page';

export interface Webhook {
  id: string;
  owner: string;
  url: string;
  events: string[];
  secret: string;
  enabled: boolean;
  created_at: string;
  last_fired_at: string;
  failure_count: number;
}

export interface WebhookDelivery {
  id: string;
  event: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  response_code: number;
  duration_ms: number;
  error: string;
  created_at: string;
}

interface Paged<T> {
  success: boolean;
  data: T[];
}

const urlCheck = (v: string) => (v.trim() === '' ? 'URL is required' : /^https?:\/\//i.test(v.trim()) ? null : 'scheme must be http or https');
const eventsCheck = (v: string) => (splitEvents(v).length === 0 ? 'At least one event pattern is required' : null);

export function splitEvents(v: string): string[] {
  return v
    .split(/[\s,]+/)
    .map((e) => e.trim())
    .filter(Boolean);
}

export function Webhooks() {
  const { api, me } = useApp();
  const list = useLoad(async () => (await api.get<Paged<Webhook>>('/webhooks')).data);
  const rows = useRowErrors();
  const [open, setOpen] = useState<string | null>(null);
  const remove = (w: Webhook) =>
    rows.confirmed(w.id, `Delete the webhook to ${w.url}?`, async () => {
      await api.del('/webhooks/{id}', { id: w.id });
      if (open === w.id) setOpen(null);
      await list.reload();
    });
  const test = (w: Webhook) =>
    rows.run(w.id, async () => {
      await api.post('/webhooks/{id}/test', {}, { id: w.id });
      setOpen(w.id);
    });
  return (
    <Page title="Webhooks">
      <Section title={me.role === 'admin' ? 'All webhooks' : 'Your webhooks'}>
        <ListTable
          label="Webhooks"
          list={list}
          items={list.data}
          columns={['URL', 'Events', 'Enabled', 'Last fired', 'Failures', 'Actions']}
          row={(w) => (
            <tr key={w.id}>
              <td data-label="URL">
                <code>{w.url}</code>
              </td>
              <td data-label="Events">{w.events.join(', ')}</td>
              <td data-label="Enabled">{w.enabled ? 'Yes' : 'No'}</td>
              <td data-label="Last fired">
                <When at={w.last_fired_at} />
              </td>
              <td data-label="Failures">{w.failure_count}</td>
              <RowActions
                actions={[
                  { label: 'Test', aria: `Send a test to ${w.url}`, onClick: () => test(w) },
                  { label: 'Deliveries', aria: `Deliveries of ${w.url}`, onClick: () => setOpen(open === w.id ? null : w.id) },
                  { label: 'Delete', aria: `Delete webhook ${w.url}`, onClick: () => remove(w), danger: true },
                ]}
                error={rows.errors[w.id]}
              />
            </tr>
          )}
        />
      </Section>
      {open && <Deliveries id={open} />}
      <CreateWebhookForm onCreated={list.reload} />
    </Page>
  );
}

export function Deliveries({ id }: { id: string }) {
  const { api } = useApp();
  const list = useLoad(async () => (await api.get<Paged<WebhookDelivery>>('/webhooks/{id}/deliveries', { id })).data, [id]);
  return (
    <Section title="Deliveries">
      <button type="button" onClick={() => list.reload()}>
        Refresh
      </button>
      <ListTable
        label="Deliveries"
        list={list}
        items={list.data}
        columns={['Event', 'Status', 'Attempts', 'Response', 'Duration', 'Created']}
        row={(d) => (
          <tr key={d.id}>
            <td data-label="Event">{d.event}</td>
            <td data-label="Status">{d.status}</td>
            <td data-label="Attempts">{d.attempts}</td>
            <td data-label="Response">{d.response_code || d.error || '-'}</td>
            <td data-label="Duration">{d.duration_ms} ms</td>
            <td data-label="Created">
              <When at={d.created_at} />
            </td>
          </tr>
        )}
      />
    </Section>
  );
}

export function CreateWebhookForm({ onCreated }: { onCreated: () => unknown }) {
  const { api } = useApp();
  const [secret, setSecret] = useState<string | null>(null);
  const form = useForm({
    url: { label: 'URL', match: /url|scheme|resolves|host/i, checks: [urlCheck] },
    events: { label: 'Events', match: /event/i, checks: [eventsCheck], initial: '*' },
  });
  const submit = form.submit(async (v) => {
    const r = await api.post<{ success: boolean; data: Webhook }>('/webhooks', { url: v.url.trim(), events: splitEvents(v.events), enabled: true });
    setSecret(r.data.secret);
    form.reset();
    await onCreated();
  });
  return (
    <Section title="Add a webhook">
      {secret && (
        <p role="status">
          Signing secret (shown once): <code>{secret}</code>
        </p>
      )}
      <form onSubmit={submit} noValidate>
        <TextField form={form} name="url" placeholder="https://billing.example.com/hooks" autocomplete="off" />
        <TextField form={form} name="events" hint="Comma-separated: *, domain.*, user.created ..." autocomplete="off" />
        <FormButtons form={form}>Add webhook</FormButtons>
      </form>
    </Section>
  );
}
