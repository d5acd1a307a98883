// A first file browser written against the product docs (seed 003): list
// with breadcrumbs, new folder, delete to trash. Works once the files API
// (issue 7) is merged; upload, editor, trash and the rest grow from here.
import { useState } from 'preact/hooks';
import type { FileEntry } from '../api/types';
import { useApp, useLoad } from '../ui/context';
import { FormError, RowError, Submit, TextField, useForm, useRowErrors } from '../ui/form';
import { Page, Section } from '../ui/page';
import { ListTable } from '../ui/list_table';
import { required } from '../validation';

export function joinPath(dir: string, name: string) {
  return (dir.endsWith('/') ? dir : dir + '/') + name;
}

export function crumbs(path: string): { name: string; path: string }[] {
  const parts = path.split('/').filter(Boolean);
  return [{ name: 'Home', path: '/' }, ...parts.map((p, i) => ({ name: p, path: '/' + parts.slice(0, i + 1).join('/') }))];
}

export function Files() {
  const { api } = useApp();
  const [dir, setDir] = useState('/');
  const list = useLoad(() => api.get<FileEntry[]>('/files/list', {}, { path: dir }), [dir]);
  const rows = useRowErrors();
  const remove = (f: FileEntry) =>
    rows.run(f.path, async () => {
      if (!window.confirm(`Delete ${f.name}?`)) return;
      await api.post('/files/delete', { path: f.path });
      await list.reload();
    });
  const form = useForm({ name: { label: 'Folder name', match: /path|exists|name/i, checks: [required('Folder name'), (v) => (v.includes('/') || v === '..' || v === '.' ? 'A folder name cannot contain / or be . or ..' : null)] } });
  const mkdir = form.submit(async (v) => {
    await api.post('/files/mkdir', { path: joinPath(dir, v.name) });
    form.reset();
    await list.reload();
  });
  const sorted = [...(list.data ?? [])].sort((a, b) => Number(b.is_dir) - Number(a.is_dir) || a.name.localeCompare(b.name));
  return (
    <Page title="Files">
      <Section title="Browse">
        <nav aria-label="Folder path" class="crumbs">
          <ol>
            {crumbs(dir).map((c, i, all) => (
              <li key={c.path}>
                {i === all.length - 1 ? (
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
        <ListTable
          label="Files"
          list={list}
          items={list.data ? sorted : null}
          columns={['Name', 'Size', 'Permissions', 'Modified', 'Actions']}
          row={(f) => (
            <tr key={f.path}>
              <td data-label="Name">
                {f.is_dir ? (
                  <button type="button" class="link" onClick={() => setDir(f.path)}>
                    {f.name}/
                  </button>
                ) : (
                  f.name
                )}
              </td>
              <td data-label="Size">{f.is_dir ? '—' : `${f.size} B`}</td>
              <td data-label="Permissions">
                <code>{f.permission}</code>
              </td>
              <td data-label="Modified">{f.mod_time}</td>
              <td data-label="Actions" class="actions">
                <button type="button" class="danger" onClick={() => remove(f)} aria-label={`Delete ${f.name}`}>
                  Delete
                </button>
                <RowError message={rows.errors[f.path]} />
              </td>
            </tr>
          )}
        />
      </Section>
      <Section title="New folder">
        <form onSubmit={mkdir} noValidate>
          <TextField form={form} name="name" autocomplete="off" hint={`Created in ${dir}`} />
          <FormError message={form.formError} />
          <Submit busy={form.busy}>Create folder</Submit>
        </form>
      </Section>
    </Page>
  );
}
