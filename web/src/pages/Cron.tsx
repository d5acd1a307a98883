// Written against the product docs (seed 002); works once the cron API
// (issue 6) is merged.
import type { CronJob } from '../api/types';
import { useApp, useLoad } from '../ui/context';
import { FormError, RowError, Submit, TextField, useForm, useRowErrors } from '../ui/form';
import { Page, Section, When } from '../ui/page';
import { ListTable } from '../ui/list_table';
import { describeCron, nextRuns, parseCron } from '../cron';
import { cronExpr, required } from '../validation';

export function Cron() {
  const { api } = useApp();
  const list = useLoad(() => api.get<CronJob[]>('/cronjobs'));
  const rows = useRowErrors();
  const key = (j: CronJob) => String(j.id);
  const toggle = (j: CronJob) =>
    rows.run(key(j), async () => {
      await api.put('/cronjobs/{id}', { enabled: !j.enabled }, { id: j.id });
      await list.reload();
    });
  const remove = (j: CronJob) =>
    rows.run(key(j), async () => {
      if (!window.confirm(`Delete the cron job "${j.name}"?`)) return;
      await api.del('/cronjobs/{id}', { id: j.id });
      await list.reload();
    });
  return (
    <Page title="Cron jobs">
      <Section title="Scheduled jobs">
        <ListTable
          label="Cron jobs"
          list={list}
          items={list.data}
          columns={['Name', 'Schedule', 'Command', 'Last run', 'Next run', 'State', 'Actions']}
          row={(j) => (
            <tr key={j.id}>
              <td data-label="Name">{j.name}</td>
              <td data-label="Schedule">
                <code>{j.cron_expr}</code>
              </td>
              <td data-label="Command">
                <code>{j.command}</code>
              </td>
              <td data-label="Last run">
                <When at={j.last_run_at} />
                {j.last_run_at && (j.last_run_ok ? ' ✓ ok' : ' ✗ failed')}
              </td>
              <td data-label="Next run">
                <When at={j.next_run_at} never="—" />
              </td>
              <td data-label="State">{j.enabled ? 'enabled' : 'disabled'}</td>
              <td data-label="Actions" class="actions">
                <button type="button" onClick={() => toggle(j)} aria-label={`${j.enabled ? 'Disable' : 'Enable'} ${j.name}`}>
                  {j.enabled ? 'Disable' : 'Enable'}
                </button>
                <button type="button" class="danger" onClick={() => remove(j)} aria-label={`Delete cron job ${j.name}`}>
                  Delete
                </button>
                <RowError message={rows.errors[key(j)]} />
              </td>
            </tr>
          )}
        />
      </Section>
      <CreateCronForm onCreated={list.reload} />
    </Page>
  );
}

export function CreateCronForm({ onCreated }: { onCreated: () => unknown }) {
  const { api } = useApp();
  const form = useForm({
    name: { label: 'Name', checks: [required('Name')] },
    cron_expr: { label: 'Schedule', match: /expression|schedule|cron_expr|field/i, initial: '*/5 * * * *', checks: [cronExpr] },
    command: { label: 'Command', checks: [required('Command')] },
    domain: { label: 'Domain', match: /domain/i },
  });
  const submit = form.submit(async (v) => {
    const body: Record<string, unknown> = { name: v.name.trim(), cron_expr: v.cron_expr.trim(), command: v.command };
    if (v.domain.trim()) body.domain = v.domain.trim();
    await api.post('/cronjobs', body);
    form.reset();
    await onCreated();
  });
  return (
    <Section title="Create a cron job">
      <form onSubmit={submit} noValidate>
        <TextField form={form} name="name" autocomplete="off" />
        <TextField form={form} name="cron_expr" autocomplete="off" hint="minute hour day-of-month month day-of-week, or @hourly, @daily …" />
        <CronPreview expr={form.values.cron_expr} />
        <TextField form={form} name="command" autocomplete="off" placeholder="php artisan schedule:run" />
        <TextField form={form} name="domain" autocomplete="off" hint="Optional: one of your domains." />
        <FormError message={form.formError} />
        <Submit busy={form.busy}>Create cron job</Submit>
      </form>
    </Section>
  );
}

// What the schedule means and when it runs next, updated as it is typed.
export function CronPreview({ expr, now = new Date() }: { expr: string; now?: Date }) {
  let body;
  try {
    const runs = nextRuns(parseCron(expr), now, 5);
    body = (
      <>
        <p>
          <strong>{describeCron(expr)}</strong>
        </p>
        <p class="muted">Next runs (your browser's time zone):</p>
        <ol class="runs">
          {runs.map((d) => (
            <li key={d.getTime()}>
              <time dateTime={d.toISOString()}>{d.toLocaleString()}</time>
            </li>
          ))}
        </ol>
      </>
    );
  } catch (e) {
    body = <p class="muted">{(e as Error).message}</p>;
  }
  return (
    <div class="preview" aria-live="polite" aria-label="Schedule preview">
      {body}
    </div>
  );
}
