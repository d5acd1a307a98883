// The file manager's panels: each a form or list that opens below the
// toolbar for one action (rename, permissions, copy/move, compress,
// share, history, trash, upload), with its errors shown in place.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { FileEntry, FileContent, FileVersion, TrashItem } from '../api/types';
import { cancelTask, createShare, deleteShare, listShares, startFileOp, uploadFile, waitTask, absoluteShareUrl, type AsyncOp, type Task } from '../api/files_transfer';
import { ApiError } from '../api/client';
import { useApp, useLoad } from '../ui/context';
import { messageOf } from '../ui/errors';
import { FormError, RowError, Submit, TextField, useForm, useRowErrors } from '../ui/form';
import { Section, When } from '../ui/page';
import { ListTable } from '../ui/list_table';
import { ARCHIVE_FORMATS, baseName, checkDir, checkMode, checkName, formatSize, joinPath, modeString, parentOf } from './util';

function Buttons({ busy, label, onCancel }: { busy: boolean; label: string; onCancel: () => void }) {
  return (
    <div class="buttons">
      <Submit busy={busy}>{label}</Submit>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}

// New file or new folder in `dir`.
export function NewEntryForm({ dir, kind, onDone }: { dir: string; kind: 'file' | 'folder'; onDone: (path?: string) => unknown }) {
  const { api } = useApp();
  const label = kind === 'file' ? 'File name' : 'Folder name';
  const form = useForm({ name: { label, match: /path|exists|name/i, checks: [checkName(label)] } });
  const submit = form.submit(async (v) => {
    const path = joinPath(dir, v.name.trim());
    if (kind === 'folder') await api.post('/files/mkdir', { path });
    else {
      // Never replace an existing file by accident: write only a new name.
      const taken = await api.get<FileContent>('/files/read', {}, { path }).then(
        () => true,
        (e) => (e instanceof ApiError && e.status === 404 ? false : true),
      );
      if (taken) throw new ApiError(409, 'CONFLICT', `${v.name.trim()} already exists`);
      await api.post('/files/write', { path, content: '' });
    }
    await onDone(path);
  });
  return (
    <Section title={kind === 'file' ? 'New file' : 'New folder'}>
      <form onSubmit={submit} noValidate>
        <TextField form={form} name="name" autocomplete="off" hint={`Created in ${dir}`} />
        <FormError message={form.formError} />
        <Buttons busy={form.busy} label={kind === 'file' ? 'Create file' : 'Create folder'} onCancel={() => onDone()} />
      </form>
    </Section>
  );
}

export function RenameForm({ entry, onDone }: { entry: FileEntry; onDone: (changed: boolean) => unknown }) {
  const { api } = useApp();
  const form = useForm({ name: { label: 'New name', match: /path|exists|name/i, initial: entry.name, checks: [checkName('New name')] } });
  const submit = form.submit(async (v) => {
    if (v.name.trim() === entry.name) return onDone(false);
    await api.post('/files/rename', { path: entry.path, new_path: joinPath(parentOf(entry.path), v.name.trim()) });
    await onDone(true);
  });
  return (
    <Section title={`Rename ${entry.name}`}>
      <form onSubmit={submit} noValidate>
        <TextField form={form} name="name" autocomplete="off" />
        <FormError message={form.formError} />
        <Buttons busy={form.busy} label="Rename" onCancel={() => onDone(false)} />
      </form>
    </Section>
  );
}

export function ChmodForm({ entries, onDone }: { entries: FileEntry[]; onDone: (changed: boolean) => unknown }) {
  const { api } = useApp();
  const [recursive, setRecursive] = useState(false);
  const form = useForm({ mode: { label: 'Mode', match: /mode|permission|setuid|sticky/i, initial: entries[0]?.permission ?? '644', checks: [checkMode] } });
  const anyDir = entries.some((e) => e.is_dir);
  const submit = form.submit(async (v) => {
    for (const e of entries) await api.post('/files/chmod', { path: e.path, mode: v.mode.trim(), recursive: recursive && e.is_dir });
    await onDone(true);
  });
  const shown = modeString(form.values.mode);
  return (
    <Section title={`Permissions of ${entries.length === 1 ? entries[0].name : `${entries.length} items`}`}>
      <form onSubmit={submit} noValidate>
        <TextField form={form} name="mode" autocomplete="off" hint={shown ? `Owner, group, others: ${shown}` : 'Three octal digits: 644 files, 755 folders and scripts.'} />
        {anyDir && (
          <label class="check">
            <input type="checkbox" checked={recursive} onChange={(e) => setRecursive(e.currentTarget.checked)} />
            <span>Also everything inside the folders</span>
          </label>
        )}
        <FormError message={form.formError} />
        <Buttons busy={form.busy} label="Change permissions" onCancel={() => onDone(false)} />
      </form>
    </Section>
  );
}

// A long file operation: a task with a progress bar and Cancel when the
// panel runs it in the background, a plain wait when it answers at once.
export function useTask() {
  const { api } = useApp();
  const [task, setTask] = useState<Task | null>(null);
  const [label, setLabel] = useState('');
  const run = async (what: string, op: AsyncOp, body: Record<string, unknown>) => {
    setLabel(what);
    setTask({ id: '', kind: op, status: 'running', percent: 0, bytes_done: 0, bytes_total: 0 });
    try {
      const started = await startFileOp(api, op, body);
      if (started.task_id) await waitTask(api, started.task_id, setTask);
    } finally {
      setTask(null);
    }
  };
  const cancel = async () => {
    if (task?.id) await cancelTask(api, task.id).catch(() => undefined);
  };
  return { task, label, run, cancel };
}

export function TaskProgress({ t }: { t: ReturnType<typeof useTask> }) {
  if (!t.task) return null;
  const started = t.task.id !== '' && (t.task.percent > 0 || !!t.task.bytes_total);
  const total = t.task.bytes_total ? ` (${formatSize(t.task.bytes_done)} of ${formatSize(t.task.bytes_total)})` : '';
  return (
    <div class="task" role="status" aria-live="polite">
      <label>
        {t.label}
        {started ? ` ${Math.round(t.task.percent)}%${total}` : '…'}
        <progress max={100} value={started ? t.task.percent : undefined} />
      </label>
      {t.task.id && (
        <button type="button" onClick={() => void t.cancel()}>
          Cancel
        </button>
      )}
    </div>
  );
}

export function CopyMoveForm({ entries, mode, dir, onDone }: { entries: FileEntry[]; mode: 'copy' | 'move'; dir: string; onDone: (changed: boolean) => unknown }) {
  const { api } = useApp();
  const task = useTask();
  const [overwrite, setOverwrite] = useState(false);
  const form = useForm({ destination: { label: 'Destination folder', match: /destination|exists|path/i, initial: dir, checks: [checkDir('Destination folder')] } });
  const submit = form.submit(async (v) => {
    const dest = v.destination.trim();
    for (const e of entries) {
      const target = joinPath(dest, e.name);
      if (mode === 'move') await api.post('/files/move', { source: e.path, destination: target, overwrite });
      else await task.run(`Copying ${e.name}`, 'copy', { source: e.path, destination: target, overwrite });
    }
    await onDone(true);
  });
  const what = entries.length === 1 ? entries[0].name : `${entries.length} items`;
  return (
    <Section title={`${mode === 'copy' ? 'Copy' : 'Move'} ${what}`}>
      <form onSubmit={submit} noValidate>
        <TextField form={form} name="destination" autocomplete="off" hint="A folder in your home, such as /backup (/ is your home)." />
        <label class="check">
          <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.currentTarget.checked)} />
          <span>Replace what is there already</span>
        </label>
        <TaskProgress t={task} />
        <FormError message={form.formError} />
        <Buttons busy={form.busy} label={mode === 'copy' ? 'Copy' : 'Move'} onCancel={() => onDone(false)} />
      </form>
    </Section>
  );
}

export function CompressForm({ entries, dir, onDone }: { entries: FileEntry[]; dir: string; onDone: (changed: boolean) => unknown }) {
  const task = useTask();
  const [format, setFormat] = useState('zip');
  const [overwrite, setOverwrite] = useState(false);
  const base = entries.length === 1 ? entries[0].name : baseName(dir) || 'archive';
  const form = useForm({ name: { label: 'Archive name', match: /archive|exists|extension/i, initial: base, checks: [checkName('Archive name')] } });
  const submit = form.submit(async (v) => {
    const archive = joinPath(dir, `${v.name.trim()}.${format}`);
    await task.run(`Compressing into ${baseName(archive)}`, 'compress', { paths: entries.map((e) => e.path), archive, overwrite });
    await onDone(true);
  });
  const formatId = `${form.id('name')}-format`;
  return (
    <Section title={`Compress ${entries.length === 1 ? entries[0].name : `${entries.length} items`}`}>
      <form onSubmit={submit} noValidate>
        <TextField form={form} name="name" autocomplete="off" hint={`Saved in ${dir}`} />
        <div class="field">
          <label for={formatId}>Format</label>
          <select id={formatId} value={format} onChange={(e) => setFormat(e.currentTarget.value)}>
            {ARCHIVE_FORMATS.map((f) => (
              <option key={f} value={f}>
                .{f}
              </option>
            ))}
          </select>
        </div>
        <label class="check">
          <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.currentTarget.checked)} />
          <span>Replace an archive of that name</span>
        </label>
        <TaskProgress t={task} />
        <FormError message={form.formError} />
        <Buttons busy={form.busy} label="Compress" onCancel={() => onDone(false)} />
      </form>
    </Section>
  );
}

export function ExtractForm({ entry, onDone }: { entry: FileEntry; onDone: (changed: boolean) => unknown }) {
  const task = useTask();
  const [overwrite, setOverwrite] = useState(false);
  const form = useForm({ destination: { label: 'Extract into', match: /destination|exists|path/i, initial: parentOf(entry.path), checks: [checkDir('Extract into')] } });
  const submit = form.submit(async (v) => {
    await task.run(`Extracting ${entry.name}`, 'extract', { archive: entry.path, destination: v.destination.trim(), overwrite });
    await onDone(true);
  });
  return (
    <Section title={`Extract ${entry.name}`}>
      <form onSubmit={submit} noValidate>
        <TextField form={form} name="destination" autocomplete="off" />
        <label class="check">
          <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.currentTarget.checked)} />
          <span>Replace existing files</span>
        </label>
        <TaskProgress t={task} />
        <FormError message={form.formError} />
        <Buttons busy={form.busy} label="Extract" onCancel={() => onDone(false)} />
      </form>
    </Section>
  );
}

const EXPIRY = [
  ['3600', '1 hour'],
  ['86400', '1 day'],
  ['604800', '7 days'],
  ['2592000', '30 days'],
  ['0', 'Never'],
] as const;

export function ShareForm({ entry, onDone }: { entry: FileEntry; onDone: () => unknown }) {
  const { api } = useApp();
  const [expires, setExpires] = useState('604800');
  const [link, setLink] = useState<{ url: string; expires_at: string } | null>(null);
  const [copied, setCopied] = useState('');
  const form = useForm({
    password: { label: 'Password (optional)', match: /password/i, checks: [(v) => (v.length > 1024 ? 'Password must be at most 1024 characters' : null)] },
    max_downloads: { label: 'Most downloads (optional)', match: /max_downloads|downloads/i, checks: [(v) => (v === '' || /^[1-9]\d*$/.test(v.trim()) ? null : 'Most downloads must be a positive whole number')] },
  });
  const submit = form.submit(async (v) => {
    const req: Parameters<typeof createShare>[1] = { path: entry.path };
    if (expires !== '0') req.expires_in = Number(expires);
    if (v.password) req.password = v.password;
    if (v.max_downloads.trim()) req.max_downloads = Number(v.max_downloads);
    const r = await createShare(api, req);
    setLink({ url: absoluteShareUrl(r.url), expires_at: r.expires_at });
  });
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link!.url);
      setCopied('Copied to the clipboard');
    } catch {
      setCopied('Select the link and copy it');
    }
  };
  const expiresId = `${form.id('password')}-expires`;
  return (
    <Section title={`Share ${entry.name}`}>
      {link ? (
        <div>
          <label for="share-url">Share link</label>
          <div class="field-row">
            <input id="share-url" readOnly value={link.url} onFocus={(e) => e.currentTarget.select()} />
            <button type="button" onClick={() => void copy()}>
              Copy
            </button>
          </div>
          <p class="hint" role="status">
            {copied || <>Anyone with the link can download it{link.expires_at ? <> until <When at={link.expires_at} never="it is deleted" /></> : ''}.</>}
          </p>
          <button type="button" onClick={() => onDone()}>
            Done
          </button>
        </div>
      ) : (
        <form onSubmit={submit} noValidate>
          <div class="field">
            <label for={expiresId}>Expires after</label>
            <select id={expiresId} value={expires} onChange={(e) => setExpires(e.currentTarget.value)}>
              {EXPIRY.map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </select>
          </div>
          <TextField form={form} name="password" type="password" autocomplete="new-password" />
          <TextField form={form} name="max_downloads" type="number" />
          <FormError message={form.formError} />
          <Buttons busy={form.busy} label="Create link" onCancel={() => onDone()} />
        </form>
      )}
    </Section>
  );
}

export function SharesList({ onClose }: { onClose: () => void }) {
  const { api } = useApp();
  const list = useLoad(() => listShares(api));
  const rows = useRowErrors();
  const remove = (id: string) =>
    rows.run(id, async () => {
      if (!window.confirm('Delete this share link? It stops working at once.')) return;
      await deleteShare(api, id);
      await list.reload();
    });
  return (
    <Section title="Share links">
      <ListTable
        label="Share links"
        list={list}
        items={list.data}
        columns={['File', 'Link', 'Expires', 'Downloads', 'Password', 'State', 'Actions']}
        row={(s) => (
          <tr key={s.id}>
            <td data-label="File">
              <code>{s.path}</code>
            </td>
            <td data-label="Link">
              {s.url ? (
                <a href={absoluteShareUrl(s.url)} target="_blank" rel="noreferrer">
                  {absoluteShareUrl(s.url)}
                </a>
              ) : (
                <span class="muted">shown once, when created</span>
              )}
            </td>
            <td data-label="Expires">
              <When at={s.expires_at} />
            </td>
            <td data-label="Downloads">
              {s.downloads}
              {s.max_downloads ? ` of ${s.max_downloads}` : ''}
            </td>
            <td data-label="Password">{s.has_password ? 'yes' : 'no'}</td>
            <td data-label="State">{s.state ?? 'active'}</td>
            <td data-label="Actions" class="actions">
              <button type="button" class="danger" onClick={() => remove(s.id)} aria-label={`Delete share link of ${s.path}`}>
                Delete
              </button>
              <RowError message={rows.errors[s.id]} />
            </td>
          </tr>
        )}
      />
      <button type="button" onClick={onClose}>
        Close
      </button>
    </Section>
  );
}

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
      if (!window.confirm(`Restore ${entry.name} as saved at ${v.saved_at}? The current content becomes a version too.`)) return;
      await api.post('/files/history/restore', { path: entry.path, version: v.id });
      setChanged(true);
      setShown(null);
      await list.reload();
    });
  return (
    <Section title={`History of ${entry.name}`}>
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
            <td data-label="Saved">{v.saved_at}</td>
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
    rows.run(t.trash_path, async () => {
      if (!window.confirm(`Delete ${t.name} permanently?`)) return;
      await api.del('/files/trash/{trash_path}', { trash_path: t.trash_path });
      await list.reload();
    });
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
    <Section title="Trash">
      <ListTable
        label="Trash"
        list={list}
        items={list.data?.items}
        columns={['Name', 'From', 'Size', 'Deleted', 'Actions']}
        row={(t) => (
          <tr key={t.trash_path}>
            <td data-label="Name">
              {t.name}
              {t.is_dir && '/'}
            </td>
            <td data-label="From">
              <code>{t.original_path}</code>
            </td>
            <td data-label="Size">{t.is_dir ? '—' : formatSize(t.size)}</td>
            <td data-label="Deleted">{t.deleted_at}</td>
            <td data-label="Actions" class="actions">
              <button type="button" onClick={() => restore(t)} aria-label={`Restore ${t.name}`}>
                Restore
              </button>
              <button type="button" class="danger" onClick={() => purge(t)} aria-label={`Delete ${t.name} permanently`}>
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
      <div class="buttons">
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

interface UploadItem {
  file: File;
  loaded: number;
  state: 'waiting' | 'uploading' | 'done' | 'error' | 'exists';
  error?: string;
}

// Uploads: one request per file, each with its own progress bar; a file
// that exists asks before it is replaced (409), one over the limit says
// so before it is sent (and the panel's 413 is shown as well).
export function useUploads(dir: string, onUploaded: () => unknown) {
  const { api } = useApp();
  const [items, setItems] = useState<UploadItem[]>([]);
  const limit = useRef<number | null>(null);
  useEffect(() => {
    api.get<{ max_upload_mb: number }>('/files/upload-limits').then(
      (r) => (limit.current = r.max_upload_mb),
      () => undefined,
    );
  }, []);
  const update = (file: File, change: Partial<UploadItem>) => setItems((all) => all.map((i) => (i.file === file ? { ...i, ...change } : i)));
  const send = async (file: File, overwrite = false) => {
    if (limit.current && file.size > limit.current * 1024 * 1024) {
      update(file, { state: 'error', error: `${file.name} is larger than the upload limit of ${limit.current} MB` });
      return;
    }
    update(file, { state: 'uploading', loaded: 0, error: undefined });
    try {
      await uploadFile(api, dir, file, { overwrite, onProgress: (p) => update(file, { loaded: p.loaded }) });
      update(file, { state: 'done', loaded: file.size });
      await onUploaded();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) update(file, { state: 'exists', error: `${file.name} exists already` });
      else update(file, { state: 'error', error: messageOf(e) });
    }
  };
  const add = async (files: FileList | File[]) => {
    const list = [...files];
    setItems((all) => [...all.filter((i) => i.state !== 'done'), ...list.map((file) => ({ file, loaded: 0, state: 'waiting' as const }))]);
    for (const f of list) await send(f);
  };
  return { items, add, send, clear: () => setItems([]) };
}

export function UploadList({ up }: { up: ReturnType<typeof useUploads> }) {
  if (!up.items.length) return null;
  return (
    <section class="uploads" aria-label="Uploads">
      <ul>
        {up.items.map((i) => (
          <li key={i.file.name + i.file.lastModified}>
            <label>
              {i.file.name} ({formatSize(i.file.size)}){' '}
              {i.state === 'done' ? '✓ uploaded' : i.state === 'uploading' ? `${Math.round((100 * i.loaded) / Math.max(1, i.file.size))}%` : ''}
              <progress max={Math.max(1, i.file.size)} value={i.loaded} />
            </label>
            {i.error && <RowError message={i.error} />}
            {i.state === 'exists' && (
              <button type="button" onClick={() => void up.send(i.file, true)}>
                Replace {i.file.name}
              </button>
            )}
          </li>
        ))}
      </ul>
      <button type="button" onClick={up.clear}>
        Clear the list
      </button>
    </section>
  );
}

export function SearchForm({ dir, onResults }: { dir: string; onResults: (r: { results: FileEntry[]; truncated: boolean; query: string } | null) => void }) {
  const { api } = useApp();
  const form = useForm({
    q: { label: 'Name contains', match: /\bq\b|name|pattern/i },
    content: { label: 'Text inside', match: /content/i },
  });
  const submit = form.submit(async (v) => {
    if (!v.q.trim() && !v.content.trim()) return onResults(null);
    const query: Record<string, string> = { path: dir };
    if (v.q.trim()) query.q = v.q.trim();
    if (v.content.trim()) query.content = v.content.trim();
    const r = await api.get<{ results: FileEntry[]; truncated: boolean }>('/files/search', {}, query);
    onResults({ ...r, query: [v.q.trim(), v.content.trim()].filter(Boolean).join(' / ') });
  });
  return (
    <form class="search" role="search" onSubmit={submit} noValidate>
      <TextField form={form} name="q" autocomplete="off" placeholder="*.php or index" />
      <TextField form={form} name="content" autocomplete="off" placeholder="optional" />
      <FormError message={form.formError} />
      <Submit busy={form.busy}>Search {dir === '/' ? 'home' : dir}</Submit>
    </form>
  );
}
