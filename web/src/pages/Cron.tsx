// Cron jobs (seed 002, docs/openapi/cron.yaml): list with last and next
// run, create and edit with a live preview, run now, run history with
// output, enable-disable, delete.
import { useEffect, useState } from 'preact/hooks';
import type { CronJob, CronLogs, CronSchedulePreview } from '../api/types';
import { pollDelay } from '../api/client';
import { useApp, useLoad } from '../ui/context';
import { Checkbox, TextField, useForm, useRowErrors } from '../ui/form';
import { FormButtons, RowActions, useEditor } from '../ui/crud';
import { messageOf } from '../ui/errors';
import { Page, Section, When } from '../ui/page';
import { Status } from '../ui/status';
import { ListTable } from '../ui/list_table';
import { email, required } from '../validation';

export function Cron() {
  const { api, me } = useApp();
  const list = useLoad(() => api.get<CronJob[]>('/cronjobs'));
  const rows = useRowErrors();
  const editor = useEditor<CronJob>(list.reload);
  const [logsOf, setLogsOf] = useState<CronJob | null>(null);
  const [justRan, setJustRan] = useState(false);
  const [logsKey, setLogsKey] = useState(0);
  const key = (j: CronJob) => String(j.id);
  const toggle = (j: CronJob) =>
    rows.run(key(j), async () => {
      await api.put('/cronjobs/{id}', { enabled: !j.enabled }, { id: j.id });
      await list.reload();
    });
  const remove = (j: CronJob) =>
    rows.confirmed(key(j), `Delete the cron job "${j.name}" and its run history?`, async () => {
      await api.del('/cronjobs/{id}', { id: j.id });
      if (logsOf?.id === j.id) setLogsOf(null);
      if (editor.editing?.id === j.id) editor.close();
      await list.reload();
    });
  const runNow = (j: CronJob) =>
    rows.run(key(j), async () => {
      await api.post('/cronjobs/{id}/run', {}, { id: j.id });
      setJustRan(true);
      setLogsOf(j);
      setLogsKey((k) => k + 1);
      await list.reload();
    });
  return (
    <Page title="Cron jobs">
      <Section title="Scheduled jobs">
        <ListTable
          label="Cron jobs"
          list={list}
          items={list.data}
          columns={['Name', me.role === 'admin' && 'Owner', 'Schedule', 'Command', 'Last run', 'Next run', 'State', 'Actions']}
          row={(j) => (
            <tr key={j.id}>
              <td data-label="Name">{j.name}</td>
              {me.role === 'admin' && <td data-label="Owner">{j.owner}</td>}
              <td data-label="Schedule">
                <code>{j.cron_expr}</code>
              </td>
              <td data-label="Command">
                <code>{j.command}</code>
              </td>
              <td data-label="Last run">
                {/* One element: on a phone the cell is a label/value grid row. */}
                <span>
                  <When at={j.last_run_at} />
                  {j.last_run_at && (j.last_run_ok ? ' ✓ ok' : ' ✗ failed')}
                </span>
              </td>
              <td data-label="Next run">
                <When at={j.next_run_at} never="—" />
              </td>
              <td data-label="State">
                <Status word={j.running ? 'running' : j.enabled ? 'enabled' : 'disabled'} />
              </td>
              <RowActions
                actions={[
                  { label: 'Run now', aria: `Run now: ${j.name}`, onClick: () => runNow(j) },
                  {
                    label: 'Logs',
                    aria: `Logs of ${j.name}`,
                    onClick: () => {
                      setJustRan(false);
                      setLogsOf(j);
                    },
                  },
                  { label: 'Edit', aria: `Edit ${j.name}`, onClick: () => editor.edit(j) },
                  { label: j.enabled ? 'Disable' : 'Enable', aria: `${j.enabled ? 'Disable' : 'Enable'} ${j.name}`, onClick: () => toggle(j) },
                  { label: 'Delete', aria: `Delete cron job ${j.name}`, onClick: () => remove(j), danger: true },
                ]}
                error={rows.errors[key(j)]}
              />
            </tr>
          )}
        />
      </Section>
      {logsOf && <CronRunLogs key={`${logsOf.id}-${logsKey}`} job={logsOf} expectRun={justRan} onClose={() => setLogsOf(null)} onChange={list.reload} />}
      {editor.editing && <CronForm key={editor.editing.id} job={editor.editing} onDone={editor.done} />}
      <CronForm onDone={list.reload} />
    </Page>
  );
}

// The run history, newest first, 10 a page; a run still going is polled
// until it ends, so "Run now" shows its output as soon as it has one.
export function CronRunLogs({ job, onClose, onChange, expectRun }: { job: CronJob; onClose: () => void; onChange?: () => unknown; expectRun?: boolean }) {
  const { api } = useApp();
  const [page, setPage] = useState(1);
  const perPage = 10;
  const logs = useLoad(() => api.get<CronLogs>('/cronjobs/{id}/logs', { id: job.id }, { page: String(page), per_page: String(perPage) }), [job.id, page]);
  const running = logs.data?.logs.some((r) => r.status === 'running');
  const [polls, setPolls] = useState(0);
  // Poll while a run is going, less often the longer it goes (pollDelay) (or "Run now" whose run is not listed yet).
  const waiting = !!logs.data && (running || (!!expectRun && logs.data.total === 0 && polls < 10)) && polls < 150;
  useEffect(() => {
    if (!waiting) return;
    const t = setTimeout(() => {
      void logs.reload().then(() => {
        setPolls((n) => n + 1);
        onChange?.();
      });
    }, pollDelay(polls, 400));
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [waiting, polls, logs.data]);
  const pages = logs.data ? Math.max(1, Math.ceil(logs.data.total / perPage)) : 1;
  return (
    <Section focus onClose={onClose} title={`Runs of ${job.name}`}>
      {logs.error && (
        <p class="form-error" role="alert">
          {logs.error}
        </p>
      )}
      {logs.data && logs.data.total === 0 && <p class="muted">No runs yet.</p>}
      <ol class="run-list" aria-live="polite">
        {logs.data?.logs.map((r) => (
          <li key={r.id} class="run">
            <p>
              <strong>{r.status === 'running' ? 'running…' : r.status === 'skipped' ? 'skipped' : r.ok ? '✓ ok' : r.timed_out ? '✗ timed out' : '✗ failed'}</strong>{' '}
              <When at={r.started_at} /> · {r.trigger === 'manual' ? 'run by hand' : 'on schedule'}
              {r.duration_ms !== null && ` · ${(r.duration_ms / 1000).toFixed(1)} s`}
              {r.exit_code !== null && ` · exit code ${r.exit_code}`}
            </p>
            {r.output ? (
              <pre class="output" tabIndex={0} aria-label={`Output of run ${r.id}`}>
                {r.truncated && '… (only the end was kept)\n'}
                {r.output}
              </pre>
            ) : (
              r.status !== 'running' && <p class="muted">No output.</p>
            )}
          </li>
        ))}
      </ol>
      <div class="buttons">
        {pages > 1 && (
          <nav class="pager" aria-label="Run pages">
            <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
              Newer
            </button>
            <span>
              Page {page} of {pages}
            </span>
            <button type="button" disabled={page >= pages} onClick={() => setPage(page + 1)}>
              Older
            </button>
          </nav>
        )}
        <button type="button" onClick={() => void logs.reload()}>
          Refresh
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Section>
  );
}

// Create (no job) or edit (only changed fields are sent).
export function CronForm({ job, onDone }: { job?: CronJob; onDone: (changed: boolean) => unknown }) {
  const { api } = useApp();
  const form = useForm({
    name: { label: 'Name', initial: job?.name, checks: [required('Name')] },
    cron_expr: { label: 'Schedule', match: /expression|schedule|cron_expr|field/i, initial: job?.cron_expr ?? '*/5 * * * *', checks: [required('Schedule')] },
    command: { label: 'Command', initial: job?.command, checks: [required('Command'), (v) => (/[\n\r\0]/.test(v) ? 'Command must be one line without NUL bytes' : null)] },
    domain: { label: 'Domain', match: /domain/i, initial: job?.domain },
    timeout_sec: { label: 'Timeout (seconds)', match: /timeout/i, initial: String(job?.timeout_sec ?? 0), checks: [(v) => (/^\d+$/.test(v.trim()) ? null : 'Timeout must be a whole number of seconds (0: the default)')] },
    email_on_complete: { label: 'Mail the output to', match: /email_on_complete|mail/i, initial: job?.email_on_complete ?? '', checks: [(v) => (v.trim() === '' ? null : email(v))] },
  });
  const [mailOnError, setMailOnError] = useState(job?.email_on_error ?? false);
  const submit = form.submit(async (v) => {
    const body: Record<string, unknown> = {
      name: v.name.trim(),
      cron_expr: v.cron_expr.trim(),
      command: v.command,
      timeout_sec: Number(v.timeout_sec),
      email_on_complete: v.email_on_complete.trim(),
      email_on_error: mailOnError,
    };
    if (job) {
      for (const k of ['name', 'cron_expr', 'command', 'email_on_complete', 'email_on_error'] as const) if (body[k] === (job[k] ?? (k === 'email_on_error' ? false : ''))) delete body[k];
      if (body.timeout_sec === (job.timeout_sec ?? 0)) delete body.timeout_sec;
      if (v.domain.trim() !== job.domain) body.domain = v.domain.trim();
      if (Object.keys(body).length === 0) return onDone(false);
      await api.put('/cronjobs/{id}', body, { id: job.id });
      await onDone(true);
      return;
    }
    if (v.domain.trim()) body.domain = v.domain.trim();
    if (!body.email_on_complete) delete body.email_on_complete;
    if (!body.email_on_error) delete body.email_on_error;
    if (!body.timeout_sec) delete body.timeout_sec;
    await api.post('/cronjobs', body);
    form.reset();
    setMailOnError(false);
    await onDone(true);
  });
  return (
    <Section focus={!!job} onClose={job ? () => onDone(false) : undefined} title={job ? `Edit ${job.name}` : 'Create a cron job'}>
      <form onSubmit={submit} noValidate>
        <TextField form={form} name="name" autocomplete="off" />
        <TextField form={form} name="cron_expr" autocomplete="off" hint="minute hour day-of-month month day-of-week, or @hourly, @daily …" />
        <CronPreview expr={form.values.cron_expr} />
        <TextField form={form} name="command" autocomplete="off" placeholder="php artisan schedule:run" />
        <TextField form={form} name="domain" autocomplete="off" hint={job ? 'Empty: none.' : 'Optional: one of your domains.'} />
        <details class="more" open={!!job && (!!job.timeout_sec || !!job.email_on_complete || job.email_on_error)}>
          <summary>Timeout and mail</summary>
          <TextField form={form} name="timeout_sec" type="number" hint="The run is stopped after this long; 0: the panel's default." />
          <TextField form={form} name="email_on_complete" type="email" autocomplete="off" hint="Optional: an address that gets every run's output." />
          <Checkbox checked={mailOnError} onChange={setMailOnError}>
            Mail me when a run fails
          </Checkbox>
        </details>
        <FormButtons form={form} onCancel={job && (() => onDone(false))}>
          {job ? 'Save' : 'Create cron job'}
        </FormButtons>
      </form>
    </Section>
  );
}

// Kept for the existing tests and callers.
export const CreateCronForm = ({ onCreated }: { onCreated: () => unknown }) => <CronForm onDone={onCreated} />;

// How long typing must pause before the preview asks the panel (an object
// so tests can change it: the form tests keep the preview's request out of
// their scripted ones).
export const previewDelay = { ms: 300 };

// When the schedule runs next, as the panel's scheduler computes it (GET
// /cronjobs/preview: one evaluator, the server's), asked once typing
// pauses; an invalid schedule shows the panel's message.
export function CronPreview({ expr }: { expr: string }) {
  const { api } = useApp();
  const [shown, setShown] = useState<{ runs: string[] } | { error: string } | null>(null);
  useEffect(() => {
    const expression = expr.trim();
    if (expression === '') {
      setShown({ error: 'Schedule is required' });
      return;
    }
    let current = true; // an answer to an older text is dropped
    const timer = setTimeout(() => {
      api
        .get<CronSchedulePreview>('/cronjobs/preview', undefined, { expression, count: '5' })
        .then((p) => current && setShown({ runs: p.next_runs }))
        .catch((e) => current && setShown({ error: messageOf(e) }));
    }, previewDelay.ms);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [expr]);
  return (
    <div class="preview" aria-live="polite" aria-label="Schedule preview">
      {shown && 'error' in shown && <p class="muted">{shown.error}</p>}
      {shown && 'runs' in shown && (
        <>
          <p class="muted">Next runs (your browser's time zone):</p>
          <ol class="runs">
            {shown.runs.map((at) => (
              <li key={at}>
                <When at={at} />
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}
