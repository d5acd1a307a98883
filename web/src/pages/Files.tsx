// The file manager (seed 003, docs/openapi/files.yaml): a keyboard-friendly
// browser of the caller's home. Breadcrumbs, a sortable list with
// multi-select, new file and folder, upload (button or drag and drop, a
// progress bar per file), download, rename, copy/move, permissions,
// compress/extract with progress, share links, search, trash with restore,
// file history, and an editor with syntax highlighting (its own chunk,
// loaded on first use). Panels open below the list, one at a time.
import type { FunctionComponent } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { FileEntry, User } from '../api/types';
import { forOwner } from '../api/client';
import { downloadFile } from '../api/files_transfer';
import { AppContext, useApp, useLoad } from '../ui/context';
import { messageOf } from '../ui/errors';
import { RowError, useRowErrors } from '../ui/form';
import { Page, Section } from '../ui/page';
import { LoadState, When } from '../ui/page';
import { PreviewPanel, previewKind } from '../files/preview';
import { Pager, usePaged } from '../ui/pager';
import type { EditorProps } from '../files/Editor';
import { ChmodForm, CompressForm, CopyMoveForm, ExtractForm, NewEntryForm, RenameForm, SearchForm } from '../files/panels';
import { ShareForm, SharesList } from '../files/share';
import { UploadList, useUploads } from '../files/uploads';
import { bulkDelete, isReport, reportOf, type BulkReport } from '../files/bulk';
import { HistoryPanel, TrashPanel } from '../files/versions';
import { crumbs, formatSize, isArchive, joinPath, sortEntries, type Sort, type SortKey } from '../files/util';

export { crumbs, joinPath };

type Panel =
  | { kind: 'new-file' | 'new-folder' | 'trash' | 'shares' }
  | { kind: 'rename' | 'history' | 'share' | 'extract' | 'preview'; entry: FileEntry }
  | { kind: 'chmod' | 'copy' | 'move' | 'compress'; entries: FileEntry[] };

// The editor chunk, fetched once on first use.
let editorModule: Promise<FunctionComponent<EditorProps>> | null = null;
const loadEditor = () => (editorModule ??= import('../files/Editor').then((m) => m.default));

function useEditor(path: string | null) {
  const [Editor, setEditor] = useState<FunctionComponent<EditorProps> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!path || Editor) return;
    loadEditor().then(
      (c) => setEditor(() => c),
      (e) => {
        editorModule = null;
        setError(`The editor could not be loaded: ${messageOf(e)}`);
      },
    );
  }, [path]);
  return { Editor, error };
}

const COLUMNS: [SortKey | null, string][] = [
  ['name', 'Name'],
  ['size', 'Size'],
  [null, 'Permissions'],
  ['mod_time', 'Modified'],
];

// An admin may manage another account's home (the API's `owner`); the
// file manager below then works through a client that adds it everywhere.
export function Files() {
  const ctx = useApp();
  const isAdmin = ctx.me.role === 'admin';
  const [owner, setOwner] = useState(ctx.me.username);
  const users = useLoad(() => (isAdmin ? ctx.api.get<User[]>('/users') : Promise.resolve([] as User[])));
  const api = useMemo(() => (owner === ctx.me.username ? ctx.api : forOwner(ctx.api, owner)), [owner]);
  return (
    <Page title="Files">
      {isAdmin && (users.data?.length ?? 0) > 1 && (
        <div class="field owner-pick">
          <label for="files-owner">Home of</label>
          <select id="files-owner" value={owner} onChange={(e) => setOwner(e.currentTarget.value)}>
            {users.data!.map((u) => (
              <option key={u.username} value={u.username}>
                {u.username}
                {u.username === ctx.me.username ? ' (you)' : ''}
              </option>
            ))}
          </select>
        </div>
      )}
      <AppContext.Provider value={{ ...ctx, api }}>
        <FileManager key={owner} />
      </AppContext.Provider>
    </Page>
  );
}

function FileManager() {
  const { api } = useApp();
  const [dir, setDirRaw] = useState('/');
  const [sort, setSort] = useState<Sort>({ key: 'name', desc: false });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [panel, setPanel] = useState<Panel | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [search, setSearch] = useState<{ results: FileEntry[]; truncated: boolean; query: string } | null>(null);
  const [dragging, setDragging] = useState(false);
  const [bulkError, setBulkError] = useState<string | null>(null);
  const [notice, setNotice] = useState('');
  const list = useLoad(() => api.get<FileEntry[]>('/files/list', {}, { path: dir }), [dir]);
  const rows = useRowErrors();
  const upload = useUploads(dir, () => list.reload());
  const editor = useEditor(editing);
  const fileInput = useRef<HTMLInputElement>(null);
  const tableRef = useRef<HTMLTableElement>(null);

  const setDir = (d: string) => {
    setDirRaw(d);
    setSelected(new Set());
    setSearch(null);
    setPanel(null);
  };
  const items = search ? search.results : (list.data ?? null);
  const sorted = items ? sortEntries(items, sort) : null;
  const paged = usePaged(sorted);
  const chosen = (sorted ?? []).filter((f) => selected.has(f.path));
  const open = (p: Panel) => {
    setBulkError(null);
    setPanel(p);
  };
  // A bulk action's exact outcome: the notice, and each failure by name.
  const showReport = (r: BulkReport) => {
    setNotice(r.notice);
    setBulkError(r.failures.length ? r.failures.join('\n') : null);
  };
  const done = async (changed: unknown) => {
    setPanel(null);
    if (isReport(changed)) showReport(changed);
    if (changed) {
      setSelected(new Set());
      await list.reload();
    }
  };
  const toggle = (f: FileEntry) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(f.path)) n.delete(f.path);
      else n.add(f.path);
      return n;
    });
  const allOnPage = paged.rows.length > 0 && paged.rows.every((f) => selected.has(f.path));
  const toggleAll = () => setSelected(allOnPage ? new Set() : new Set(paged.rows.map((f) => f.path)));

  const remove = async (entries: FileEntry[]) => {
    const names = entries.length === 1 ? entries[0].name : `${entries.length} items`;
    if (!window.confirm(`Delete ${names}? They go to the trash when your recycle bin is on.`)) return;
    setBulkError(null);
    setNotice('');
    try {
      // One request for all of them; the answer says, per path, what happened.
      const r = await bulkDelete(api, entries.map((f) => f.path));
      const trashed = r.results.some((i) => i.success && /trash/i.test(i.message));
      showReport(reportOf(r, trashed ? 'moved to the trash' : 'deleted'));
    } catch (e) {
      setBulkError(messageOf(e));
    }
    setSelected(new Set());
    await list.reload();
  };
  const download = (f: FileEntry) => rows.run(f.path, () => downloadFile(api, f.path, f.is_dir));
  const downloadMany = async () => {
    setBulkError(null);
    for (const f of chosen) {
      try {
        await downloadFile(api, f.path, f.is_dir);
      } catch (e) {
        setBulkError(`${f.name}: ${messageOf(e)}`);
        return;
      }
    }
  };
  const openEntry = (f: FileEntry) => {
    if (f.is_dir) setDir(f.path);
    else if (previewKind(f.name)) setPanel({ kind: 'preview', entry: f });
    else {
      setPanel(null);
      setEditing(f.path);
    }
  };

  // Arrow keys move between rows, Delete deletes the selection, Ctrl+A
  // selects the page, Escape clears it.
  const onTableKey = (e: KeyboardEvent) => {
    const t = e.target as HTMLElement;
    if (t.tagName === 'INPUT' && (t as HTMLInputElement).type !== 'checkbox') return;
    const names = [...(tableRef.current?.querySelectorAll<HTMLElement>('[data-nav]') ?? [])];
    const row = t.closest('tr');
    const i = names.findIndex((n) => n.closest('tr') === row);
    if (e.key === ' ' && t.hasAttribute('data-nav')) {
      // Space on a name selects its row (Enter opens it).
      e.preventDefault();
      const f = paged.rows.find((r) => r.path === t.getAttribute('data-path'));
      if (f) toggle(f);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = names[Math.max(0, Math.min(names.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)))];
      next?.focus();
    } else if (e.key === 'Delete' && chosen.length) {
      e.preventDefault();
      void remove(chosen);
    } else if (e.key === 'a' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      setSelected(new Set(paged.rows.map((f) => f.path)));
    } else if (e.key === 'Escape') setSelected(new Set());
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    if (e.dataTransfer?.files.length) void upload.add(e.dataTransfer.files);
  };

  const sortButton = (key: SortKey, label: string) => {
    const active = sort.key === key;
    return (
      <button type="button" class="link sort" onClick={() => setSort({ key, desc: active ? !sort.desc : false })}>
        {label}
        <span aria-hidden="true">{active ? (sort.desc ? ' ▼' : ' ▲') : ''}</span>
      </button>
    );
  };

  return (
    <>
      <Section title={search ? `Search results for “${search.query}”` : 'Browse'}>
        <nav aria-label="Folder path" class="crumbs">
          <ol>
            {crumbs(dir).map((c, i, all) => (
              <li key={c.path}>
                {i === all.length - 1 && !search ? (
                  <span aria-current="location">{c.name}</span>
                ) : (
                  <button type="button" class="link" onClick={() => setDir(c.path)}>
                    {c.name}
                  </button>
                )}
              </li>
            ))}
          </ol>
        </nav>
        <div class="toolbar" role="toolbar" aria-label="Files">
          <button type="button" onClick={() => open({ kind: 'new-file' })}>
            New file
          </button>
          <button type="button" onClick={() => open({ kind: 'new-folder' })}>
            New folder
          </button>
          <button type="button" onClick={() => fileInput.current?.click()}>
            Upload
          </button>
          <input
            ref={fileInput}
            type="file"
            multiple
            hidden
            aria-label="Files to upload"
            onChange={(e) => {
              const f = e.currentTarget.files;
              if (f?.length) void upload.add([...f]);
              e.currentTarget.value = '';
            }}
          />
          <button type="button" onClick={() => open({ kind: 'trash' })}>
            Trash
          </button>
          <button type="button" onClick={() => open({ kind: 'shares' })}>
            Share links
          </button>
          <button type="button" onClick={() => void list.reload()}>
            Refresh
          </button>
        </div>
        <details class="search-box" open={!!search}>
          <summary>Search</summary>
          <SearchForm dir={dir} onResults={setSearch} />
          {search && (
            <p>
              {search.results.length} found{search.truncated && ' (stopped early; narrow the search)'}.{' '}
              <button type="button" class="link" onClick={() => setSearch(null)}>
                Back to {dir}
              </button>
            </p>
          )}
        </details>
        {chosen.length > 0 && (
          <div class="toolbar selection" role="toolbar" aria-label="Selected items">
            <span aria-live="polite">{chosen.length} selected</span>
            <button type="button" onClick={() => void downloadMany()}>
              Download
            </button>
            <button type="button" onClick={() => open({ kind: 'copy', entries: chosen })}>
              Copy
            </button>
            <button type="button" onClick={() => open({ kind: 'move', entries: chosen })}>
              Move
            </button>
            <button type="button" onClick={() => open({ kind: 'compress', entries: chosen })}>
              Compress
            </button>
            <button type="button" onClick={() => open({ kind: 'chmod', entries: chosen })}>
              Permissions
            </button>
            <button type="button" class="danger" onClick={() => void remove(chosen)}>
              Delete selected
            </button>
            <button type="button" onClick={() => setSelected(new Set())}>
              Clear selection
            </button>
          </div>
        )}
        {bulkError && (
          <ul class="form-error" role="alert">
            {bulkError.split('\n').map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        )}
        <p class="muted notice" role="status">
          {notice}
        </p>
        <UploadList up={upload} />
        <div
          class={`dropzone${dragging ? ' dragging' : ''}`}
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <LoadState loading={!search && list.loading} error={search ? null : list.error} empty={sorted?.length === 0} emptyText={search ? 'Nothing found.' : 'This folder is empty.'} />
          {sorted && sorted.length > 0 && (
            <div class="table-wrap">
              <table ref={tableRef} class="files" onKeyDown={onTableKey}>
                <thead>
                  <tr>
                    <th scope="col" class="pick">
                      <input type="checkbox" checked={allOnPage} onChange={toggleAll} aria-label="Select all on this page" />
                    </th>
                    {COLUMNS.map(([key, label]) => (
                      <th scope="col" key={label} aria-sort={key && sort.key === key ? (sort.desc ? 'descending' : 'ascending') : undefined}>
                        {key ? sortButton(key, label) : label}
                      </th>
                    ))}
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {paged.rows.map((f) => (
                    <tr key={f.path} class={selected.has(f.path) ? 'selected' : ''}>
                      <td data-label="Select" class="pick">
                        <input type="checkbox" checked={selected.has(f.path)} onChange={() => toggle(f)} aria-label={`Select ${f.name}`} />
                      </td>
                      <td data-label="Name">
                        <button type="button" class="link" data-nav data-path={f.path} onClick={() => openEntry(f)} aria-label={f.is_dir ? `Open folder ${f.name}` : previewKind(f.name) ? `Preview ${f.name}` : `Edit ${f.name}`}>
                          {f.is_dir ? `${f.name}/` : f.name}
                        </button>
                        {search && <div class="muted small">{f.path}</div>}
                        {f.is_symlink && <span class="muted"> → {f.link_target ?? 'link'}</span>}
                      </td>
                      <td data-label="Size">{f.is_dir ? '—' : formatSize(f.size)}</td>
                      <td data-label="Permissions">
                        <code>{f.permission}</code>
                      </td>
                      <td data-label="Modified">
                        <When at={f.mod_time} />
                      </td>
                      <td data-label="Actions" class="actions">
                        <button type="button" onClick={() => open({ kind: 'rename', entry: f })} aria-label={`Rename ${f.name}`}>
                          Rename
                        </button>
                        <button type="button" onClick={() => download(f)} aria-label={`Download ${f.name}`}>
                          Download
                        </button>
                        {!f.is_dir && (
                          <button type="button" onClick={() => open({ kind: 'history', entry: f })} aria-label={`History of ${f.name}`}>
                            History
                          </button>
                        )}
                        <button type="button" onClick={() => open({ kind: 'share', entry: f })} aria-label={`Share ${f.name}`}>
                          Share
                        </button>
                        {!f.is_dir && isArchive(f.name) && (
                          <button type="button" onClick={() => open({ kind: 'extract', entry: f })} aria-label={`Extract ${f.name}`}>
                            Extract
                          </button>
                        )}
                        <button type="button" class="danger" onClick={() => void remove([f])} aria-label={`Delete ${f.name}`}>
                          Delete
                        </button>
                        <RowError message={rows.errors[f.path]} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <p class="hint">
            Drop files here to upload them into {dir}. Keys: ↑/↓ move between rows, Space selects, Enter opens, Delete deletes the selection, Ctrl+A selects the page, Escape clears it.
          </p>
        </div>
        <Pager label="Files" paged={paged} />
      </Section>
      {panel?.kind === 'new-file' && (
        <NewEntryForm
          dir={dir}
          kind="file"
          onDone={async (path) => {
            setPanel(null);
            if (path) {
              await list.reload();
              setEditing(path);
            }
          }}
        />
      )}
      {panel?.kind === 'new-folder' && <NewEntryForm dir={dir} kind="folder" onDone={done} />}
      {panel?.kind === 'rename' && <RenameForm key={panel.entry.path} entry={panel.entry} onDone={done} />}
      {panel?.kind === 'chmod' && <ChmodForm entries={panel.entries} onDone={done} />}
      {(panel?.kind === 'copy' || panel?.kind === 'move') && <CopyMoveForm key={panel.kind} entries={panel.entries} mode={panel.kind} dir={dir} onDone={done} />}
      {panel?.kind === 'compress' && <CompressForm entries={panel.entries} dir={dir} onDone={done} />}
      {panel?.kind === 'extract' && <ExtractForm entry={panel.entry} onDone={done} />}
      {panel?.kind === 'share' && <ShareForm key={panel.entry.path} entry={panel.entry} onDone={() => setPanel(null)} />}
      {panel?.kind === 'shares' && <SharesList onClose={() => setPanel(null)} />}
      {panel?.kind === 'preview' && <PreviewPanel key={panel.entry.path} entry={panel.entry} onClose={() => setPanel(null)} />}
      {panel?.kind === 'history' && <HistoryPanel key={panel.entry.path} entry={panel.entry} onDone={done} />}
      {panel?.kind === 'trash' && <TrashPanel onDone={done} />}
      {editing && editor.error && (
        <p class="form-error" role="alert">
          {editor.error}
        </p>
      )}
      {editing && !editor.Editor && !editor.error && <p aria-live="polite">Loading the editor…</p>}
      {editing && editor.Editor && (
        <editor.Editor
          key={editing}
          path={editing}
          onSaved={() => void list.reload()}
          onClose={async (saved) => {
            setEditing(null);
            if (saved) await list.reload();
          }}
        />
      )}
    </>
  );
}
