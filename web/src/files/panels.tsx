// The file manager's forms: each opens below the list for one action (new
// file or folder, rename, permissions, copy/move, compress, extract,
// search), with its errors shown in place. Share links: files/share.tsx;
// trash and history: files/versions.tsx; uploads: files/uploads.tsx.
import { useState } from 'preact/hooks';
import type { FileContent, FileEntry } from '../api/types';
import { ApiError } from '../api/client';
import { useApp } from '../ui/context';
import { FormError, Submit, TextField, useForm } from '../ui/form';
import { Section } from '../ui/page';
import { TaskProgress, useTask } from './task';
import { bulkChmod, bulkCopy, bulkMove, mergeResults, reportOf } from './bulk';
import { ARCHIVE_FORMATS, baseName, checkDir, checkMode, checkName, joinPath, modeString, parentOf } from './util';

export function Buttons({ busy, label, onCancel }: { busy: boolean; label: string; onCancel: () => void }) {
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
    <Section focus onClose={() => onDone()} title={kind === 'file' ? 'New file' : 'New folder'}>
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
    <Section focus onClose={() => onDone(false)} title={`Rename ${entry.name}`}>
      <form onSubmit={submit} noValidate>
        <TextField form={form} name="name" autocomplete="off" />
        <FormError message={form.formError} />
        <Buttons busy={form.busy} label="Rename" onCancel={() => onDone(false)} />
      </form>
    </Section>
  );
}

export function ChmodForm({ entries, onDone }: { entries: FileEntry[]; onDone: (changed: unknown) => unknown }) {
  const { api } = useApp();
  const [recursive, setRecursive] = useState(false);
  const form = useForm({ mode: { label: 'Mode', match: /mode|permission|setuid|sticky/i, initial: entries[0]?.permission ?? '644', checks: [checkMode] } });
  const anyDir = entries.some((e) => e.is_dir);
  const submit = form.submit(async (v) => {
    const mode = v.mode.trim();
    if (entries.length === 1) {
      await api.post('/files/chmod', { path: entries[0].path, mode, recursive: recursive && entries[0].is_dir });
      await onDone(true);
      return;
    }
    // One request for the folders (recursive when asked), one for the files.
    const dirs = entries.filter((e) => e.is_dir).map((e) => e.path);
    const files = entries.filter((e) => !e.is_dir).map((e) => e.path);
    const answers = [];
    if (dirs.length) answers.push(await bulkChmod(api, dirs, mode, recursive));
    if (files.length) answers.push(await bulkChmod(api, files, mode, false));
    await onDone(reportOf(mergeResults(...answers), 'changed'));
  });
  const shown = modeString(form.values.mode);
  return (
    <Section focus onClose={() => onDone(false)} title={`Permissions of ${entries.length === 1 ? entries[0].name : `${entries.length} items`}`}>
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

export function CopyMoveForm({ entries, mode, dir, onDone }: { entries: FileEntry[]; mode: 'copy' | 'move'; dir: string; onDone: (changed: unknown) => unknown }) {
  const { api } = useApp();
  const task = useTask();
  const [overwrite, setOverwrite] = useState(false);
  const form = useForm({ destination: { label: 'Destination folder', match: /destination|exists|path/i, initial: dir, checks: [checkDir('Destination folder')] } });
  const submit = form.submit(async (v) => {
    const dest = v.destination.trim();
    if (entries.length === 1) {
      const e = entries[0];
      const target = joinPath(dest, e.name);
      if (mode === 'move') await api.post('/files/move', { source: e.path, destination: target, overwrite });
      else await task.run(`Copying ${e.name}`, 'copy', { source: e.path, destination: target, overwrite });
      await onDone(true);
      return;
    }
    // Several: one request, each into the destination folder, per-path results.
    const sources = entries.map((e) => e.path);
    const r = mode === 'move' ? await bulkMove(api, sources, dest, overwrite) : await bulkCopy(api, sources, dest, overwrite);
    await onDone(reportOf(r, mode === 'move' ? 'moved' : 'copied'));
  });
  const what = entries.length === 1 ? entries[0].name : `${entries.length} items`;
  return (
    <Section focus onClose={() => onDone(false)} title={`${mode === 'copy' ? 'Copy' : 'Move'} ${what}`}>
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
    <Section focus onClose={() => onDone(false)} title={`Compress ${entries.length === 1 ? entries[0].name : `${entries.length} items`}`}>
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
    <Section focus onClose={() => onDone(false)} title={`Extract ${entry.name}`}>
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
