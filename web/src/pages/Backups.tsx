// Backups (docs/backups.md, docs/openapi/backups.yaml): the account's
// backups (newest first), "Back up now", restore choices per backup
// (paths, one database, the whole account; overwrite asked for), download
// of a path as .tar.gz, the nightly schedule with its retention, and the
// progress of the running task.
import { useState } from 'preact/hooks';
import {
  cancelBackupTask,
  downloadBackupPath,
  formatBytes,
  getSchedule,
  listBackups,
  putSchedule,
  restoreBackup,
  startBackup,
  waitBackupTask,
  type Backup,
  type RestoreWhat,
} from '../api/backups';
import type { Task } from '../api/files_transfer';
import { useApp, useLoad } from '../ui/context';
import { messageOf } from '../ui/errors';
import { RowError, useRowErrors } from '../ui/form';
import { LoadState, Page, Section, When } from '../ui/page';

export function Backups() {
  const { api, me } = useApp();
  const list = useLoad(() => listBackups(api));
  const rows = useRowErrors();
  const [task, setTask] = useState<Task | null>(null);
  const [taskError, setTaskError] = useState<string | null>(null);
  const [restoring, setRestoring] = useState<Backup | null>(null);

  const follow = async (started: Task) => {
    setTaskError(null);
    setTask(started);
    try {
      await waitBackupTask(api, started.id, setTask);
    } catch (e) {
      setTaskError(messageOf(e));
    } finally {
      await list.reload();
    }
  };
  const backupNow = () => rows.run('new', async () => follow(await startBackup(api)));
  const cancel = () => task && rows.run('task', () => cancelBackupTask(api, task.id));
  const running = task && (task.status === 'queued' || task.status === 'running');

  return (
    <Page title="Backups">
      <Section title={me.role === 'admin' ? 'All backups' : 'Your backups'}>
        <p>
          <button type="button" onClick={backupNow} disabled={!!running}>
            Back up now
          </button>
        </p>
        <RowError message={rows.errors.new} />
        {task && (
          <div class="task" role="status" aria-label="Backup task">
            {task.kind} {task.status}
            {running && (
              <>
                {' '}
                <progress max={100} value={task.percent} /> {task.percent}%{' '}
                <button type="button" onClick={cancel}>
                  Cancel
                </button>
              </>
            )}
            {taskError && <RowError message={taskError} />}
          </div>
        )}
        <LoadState loading={list.loading} error={list.error} empty={list.data?.length === 0} emptyText="No backups yet." />
        {list.data && list.data.length > 0 && (
          <table aria-label="Backups">
            <thead>
              <tr>
                <th>Started</th>
                {me.role === 'admin' && <th>Owner</th>}
                <th>Status</th>
                <th>Size</th>
                <th>Added</th>
                <th>Databases</th>
                <th>Files</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((b) => (
                <tr key={b.id}>
                  <td data-label="Started">
                    <When at={b.started_at} />
                  </td>
                  {me.role === 'admin' && <td data-label="Owner">{b.owner}</td>}
                  <td data-label="Status">
                    <span class={`badge ${b.status === 'done' ? 'up' : b.status === 'failed' ? 'down' : ''}`}>{b.status}</span>
                    {b.error && <span class="muted"> {b.error}</span>}
                  </td>
                  <td data-label="Size">{formatBytes(b.size_bytes)}</td>
                  <td data-label="Added">{formatBytes(b.added_bytes)}</td>
                  <td data-label="Databases">{b.databases.join(', ') || '—'}</td>
                  <td data-label="Files">{b.paths_count}</td>
                  <td data-label="Actions">
                    {b.status === 'done' && (
                      <button type="button" aria-label={`Restore from backup ${b.id}`} onClick={() => setRestoring(b)}>
                        Restore
                      </button>
                    )}
                    <RowError message={rows.errors[b.id]} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      {restoring && (
        <RestoreForm
          key={restoring.id}
          backup={restoring}
          onClose={() => setRestoring(null)}
          onStarted={(t) => {
            setRestoring(null);
            void follow(t);
          }}
        />
      )}
      <ScheduleForm />
    </Page>
  );
}

export function RestoreForm({ backup, onClose, onStarted }: { backup: Backup; onClose: () => unknown; onStarted: (t: Task) => unknown }) {
  const { api, me } = useApp();
  const admin = me.role === 'admin';
  const [what, setWhat] = useState<RestoreWhat>('paths');
  const [paths, setPaths] = useState('/');
  const [database, setDatabase] = useState(backup.databases[0] ?? '');
  const [target, setTarget] = useState('');
  const [overwrite, setOverwrite] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const pathList = () =>
    paths
      .split(/[\n,]/)
      .map((p) => p.trim())
      .filter(Boolean);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    if (what === 'paths' && pathList().length === 0) return setError('Name at least one path');
    if (what === 'database' && !database) return setError('Choose a database');
    // Into another account (admin): a new name is made from the backup; an
    // existing one needs overwrite, which the server says (409).
    const elsewhere = what === 'account' && target.trim() !== '' && target.trim() !== backup.owner;
    if (what === 'account' && !overwrite && !elsewhere) return setError('Restoring the whole account replaces its files and databases: tick "Overwrite"');
    setBusy(true);
    try {
      const body = { what, overwrite } as Parameters<typeof restoreBackup>[2];
      if (what === 'paths') body.paths = pathList();
      if (what === 'database') body.database = database;
      if ((what !== 'account' || admin) && target.trim()) body.target = target.trim();
      onStarted(await restoreBackup(api, backup.id, body));
    } catch (x) {
      setError(messageOf(x));
    } finally {
      setBusy(false);
    }
  };
  const download = async () => {
    setError(null);
    try {
      await downloadBackupPath(api, backup.id, pathList()[0] ?? '/');
    } catch (x) {
      setError(messageOf(x));
    }
  };
  return (
    <Section focus onClose={onClose} title={`Restore from the backup of ${new Date(backup.started_at).toLocaleString()}`}>
      <form onSubmit={submit} noValidate>
        <fieldset>
          <legend>What to restore</legend>
          {(['paths', 'database', 'account'] as RestoreWhat[]).map((w) => (
            <label key={w}>
              <input type="radio" name="what" value={w} checked={what === w} onChange={() => setWhat(w)} />{' '}
              {w === 'paths' ? 'Files and folders' : w === 'database' ? 'One database' : 'The whole account'}
            </label>
          ))}
        </fieldset>
        {what === 'paths' && (
          <label>
            Paths
            <textarea value={paths} onInput={(e) => setPaths((e.target as HTMLTextAreaElement).value)} aria-label="Paths" />
          </label>
        )}
        {what === 'database' && (
          <label>
            Database
            <select value={database} onChange={(e) => setDatabase((e.target as HTMLSelectElement).value)} aria-label="Database">
              {backup.databases.map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          </label>
        )}
        {(what !== 'account' || admin) && (
          <label>
            {what === 'paths'
              ? 'Into folder (empty: where they were)'
              : what === 'database'
                ? 'Into database (empty: itself)'
                : `Into account (empty: ${backup.owner}; a new name creates the account)`}
            <input value={target} onInput={(e) => setTarget((e.target as HTMLInputElement).value)} aria-label="Target" />
          </label>
        )}
        <label>
          <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite((e.target as HTMLInputElement).checked)} aria-label="Overwrite" /> Overwrite what is there
        </label>
        {error && <RowError message={error} />}
        <p>
          <button type="submit" disabled={busy}>
            Restore
          </button>{' '}
          {what === 'paths' && (
            <button type="button" onClick={download}>
              Download as .tar.gz
            </button>
          )}{' '}
          <button type="button" onClick={() => onClose()}>
            Cancel
          </button>
        </p>
      </form>
    </Section>
  );
}

export function ScheduleForm() {
  const { api, me } = useApp();
  // A customer's package may forbid schedules (0) or cap what they keep.
  const cap = me.role === 'admin' ? -1 : (me.max_backups_kept ?? -1);
  const s = useLoad(() => getSchedule(api));
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!s.data) return;
    const form = e.target as HTMLFormElement;
    const num = (name: string) => Number((form.elements.namedItem(name) as HTMLInputElement).value);
    const enabled = (form.elements.namedItem('enabled') as HTMLInputElement).checked;
    const keep = { keep_daily: num('keep_daily'), keep_weekly: num('keep_weekly'), keep_monthly: num('keep_monthly') };
    for (const [k, v] of Object.entries(keep)) if (!Number.isInteger(v) || v < 0 || v > 1000) return setError(`${k} must be a whole number from 0 to 1000`);
    if (enabled && cap > 0 && keep.keep_daily + keep.keep_weekly + keep.keep_monthly > cap)
      return setError(`Your package keeps at most ${cap} backups: daily + weekly + monthly must be ${cap} or less`);
    setError(null);
    setSaved(false);
    try {
      await putSchedule(api, { enabled, ...keep });
      setSaved(true);
      await s.reload();
    } catch (x) {
      setError(messageOf(x));
    }
  };
  return (
    <Section title="Nightly backup">
      <LoadState loading={s.loading} error={s.error} />
      {s.data && (
        <form onSubmit={submit} noValidate>
          <label>
            <input type="checkbox" name="enabled" defaultChecked={s.data.enabled} /> Back up every night
            {s.data.owner === '*' && ' (every account)'}
          </label>
          {cap === 0 && <p role="note">Your package does not include scheduled backups; "Back up now" still works.</p>}
          {cap > 0 && <p role="note">Your package keeps at most {cap} backups (daily + weekly + monthly).</p>}
          <label>
            Daily backups kept <input name="keep_daily" type="number" min={0} defaultValue={String(s.data.keep_daily)} />
          </label>
          <label>
            Weekly backups kept <input name="keep_weekly" type="number" min={0} defaultValue={String(s.data.keep_weekly)} />
          </label>
          <label>
            Monthly backups kept <input name="keep_monthly" type="number" min={0} defaultValue={String(s.data.keep_monthly)} />
          </label>
          {error && <RowError message={error} />}
          {saved && <p role="status">Schedule saved.</p>}
          <button type="submit">Save schedule</button>
        </form>
      )}
    </Section>
  );
}
