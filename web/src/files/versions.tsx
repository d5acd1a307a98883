// The trash (restore, asking before it replaces; delete forever; empty)
// and a file's history (view a version, restore it).
import { useState } from 'preact/hooks';
import type { FileContent, FileEntry, FileVersion, TrashItem } from '../api/types';
import { ApiError } from '../api/client';
import { useApp, useLoad } from '../ui/context';
import { messageOf } from '../ui/errors';
import { RowError, useRowErrors } from '../ui/form';
import { Section, When } from '../ui/page';
import { ListTable } from '../ui/list_table';
import { formatSize } from './util';
import { bulkRestore, reportOf, type BulkReport } from './bulk';

export function HistoryPanel({ entry, onDone }: { entry: FileEntry; onDone: (changed: boolean) => unknown }) {
  const { api } = useApp();
  const list = useLoad(() => api.get<{ path: string; versions: FileVersion[] }>('/files/history', {}, { path: entry.path }), [entry.path]);
  const rows = useRowErrors();
  const [shown, setShown] = useState<{ id: string; content: string } | null>(null);
  const [changed, setChanged] = useState(false);
  const view = (v: FileVersion) =>
    rows.run(v.id, async () => {
      const c = await api.get<FileContent>('/files/history/read', {}, { path: entry.path, version: v.id });
      setShown({ id: v.id, content: c.content });
    });
  const restore = (v: FileVersion) =>
    rows.run(v.id, async () => {
      if (!window.confirm(`Restore ${entry.name} as saved at ${new Date(v.saved_at).toLocaleString()}? The current content becomes a version too.`)) return;
      await api.post('/files/history/restore', { path: entry.path, version: v.id });
      setChanged(true);
      setShown(null);
      await list.reload();
    });
  return (
    <Section focus onClose={() => onDone(changed)} title={`History of ${entry.name}`}>
      {changed && (
        <p class="ok" role="status">
          Restored.
        </p>
      )}
      <ListTable
        label="Versions"
        list={list}
        items={list.data?.versions}
        columns={['Saved', 'Size', 'Actions']}
        row={(v) => (
          <tr key={v.id}>
            <td data-label="Saved">
              <When at={v.saved_at} />
            </td>
            <td data-label="Size">{formatSize(v.size)}</td>
            <td data-label="Actions" class="actions">
              <button type="button" onClick={() => view(v)} aria-label={`View version saved ${v.saved_at}`}>
                View
              </button>
              <button type="button" onClick={() => restore(v)} aria-label={`Restore version saved ${v.saved_at}`}>
                Restore
              </button>
              <RowError message={rows.errors[v.id]} />
            </td>
          </tr>
        )}
      />
      {shown && (
        <pre class="output" tabIndex={0} aria-label="Version content">
          {shown.content}
        </pre>
      )}
      <button type="button" onClick={() => onDone(changed)}>
        Close
      </button>
    </Section>
  );
}

export function TrashPanel({ onDone }: { onDone: (changed: boolean) => unknown }) {
  const { api } = useApp();
  const list = useLoad(() => api.get<{ items: TrashItem[] }>('/files/trash'));
  const rows = useRowErrors();
  const [changed, setChanged] = useState(false);
  const [emptyError, setEmptyError] = useState<string | null>(null);
  const restore = (t: TrashItem) =>
    rows.run(t.trash_path, async () => {
      try {
        await api.post('/files/trash/restore', { trash_path: t.trash_path });
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 409) || !window.confirm(`${t.original_path} exists. Replace it with the one from the trash?`)) throw e;
        await api.post('/files/trash/restore', { trash_path: t.trash_path, overwrite: true });
      }
      setChanged(true);
      await list.reload();
    });
  const purge = (t: TrashItem) =>
    rows.confirmed(t.trash_path, `Delete ${t.name} permanently?`, async () => {
      await api.del('/files/trash/{trash_path}', { trash_path: t.trash_path });
      await list.reload();
    });
  // Everything back in one request; the answer says which came back and
  // which did not (a path taken: 409, listed by name).
  const [report, setReport] = useState<BulkReport | null>(null);
  // Ticked rows (trash paths); none ticked: the buttons act on everything.
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const pick = (p: string, on: boolean) =>
    setPicked((old) => {
      const n = new Set(old);
      if (on) n.add(p);
      else n.delete(p);
      return n;
    });
  const restoreAll = async (only?: Set<string>) => {
    const items = (list.data?.items ?? []).filter((t) => !only || only.has(t.trash_path));
    if (!items.length) return;
    setPicked(new Set());
    setEmptyError(null);
    try {
      const r = await bulkRestore(
        api,
        items.map((t) => t.trash_path),
      );
      const byPath = new Map(items.map((t) => [t.trash_path, t.original_path]));
      setReport(reportOf(r, 'restored', (p) => byPath.get(p) ?? p));
      if (r.succeeded) setChanged(true);
    } catch (e) {
      setEmptyError(messageOf(e));
    }
    await list.reload();
  };
  const empty = async () => {
    if (!window.confirm('Delete everything in the trash permanently?')) return;
    setEmptyError(null);
    try {
      await api.del('/files/trash');
      await list.reload();
    } catch (e) {
      setEmptyError(messageOf(e));
    }
  };
  return (
    <Section focus onClose={() => onDone(changed)} title="Trash">
      <ListTable
        label="Trash"
        list={list}
        items={list.data?.items}
        columns={['Select', 'Name', 'From', 'Size', 'Deleted', 'Actions']}
        row={(t) => (
          <tr key={t.trash_path}>
            <td data-label="Select">
              <input type="checkbox" aria-label={`Select ${t.name}`} checked={picked.has(t.trash_path)} onChange={(e) => pick(t.trash_path, e.currentTarget.checked)} />
            </td>
            <td data-label="Name">
              {t.name}
              {t.is_dir && '/'}
            </td>
            <td data-label="From">
              <code>{t.original_path}</code>
            </td>
            <td data-label="Size">{t.is_dir ? '—' : formatSize(t.size)}</td>
            <td data-label="Deleted">
              <When at={t.deleted_at} />
            </td>
            <td data-label="Actions" class="actions">
              <button type="button" onClick={() => restore(t)} aria-label={`Restore ${t.name}`}>
                Restore
              </button>
              <button type="button" class="danger" onClick={() => purge(t)} aria-label={`Delete forever: ${t.name}`}>
                Delete forever
              </button>
              <RowError message={rows.errors[t.trash_path]} />
            </td>
          </tr>
        )}
      />
      {emptyError && (
        <p class="form-error" role="alert">
          {emptyError}
        </p>
      )}
      {report && (
        <div role="status" class="bulk-report">
          <p class="notice">{report.notice}</p>
          {report.failures.length > 0 && (
            <ul class="form-error">
              {report.failures.map((f) => (
                <li key={f}>{f}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div class="buttons">
        {picked.size > 0 && (
          <button type="button" onClick={() => void restoreAll(picked)}>
            Restore selected ({picked.size})
          </button>
        )}
        {list.data && list.data.items.length > 1 && (
          <button type="button" onClick={() => void restoreAll()}>
            Restore all
          </button>
        )}
        {!!list.data?.items.length && (
          <button type="button" class="danger" onClick={() => void empty()}>
            Empty trash
          </button>
        )}
        <button type="button" onClick={() => onDone(changed)}>
          Close trash
        </button>
      </div>
    </Section>
  );
}
