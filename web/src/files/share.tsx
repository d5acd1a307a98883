// Share links of a file: create (expiry, password, download limit), list,
// revoke.
import { useState } from 'preact/hooks';
import type { FileEntry } from '../api/types';
import { absoluteShareUrl, createShare, deleteShare, listShares } from '../api/files_transfer';
import { useApp, useLoad } from '../ui/context';
import { FormError, RowError, TextField, useForm, useRowErrors } from '../ui/form';
import { Section, When } from '../ui/page';
import { ListTable } from '../ui/list_table';
import { Buttons } from './panels';

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
    <Section focus onClose={onDone} title={`Share ${entry.name}`}>
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
    rows.confirmed(id, 'Delete this share link? It stops working at once.', async () => {
      await deleteShare(api, id);
      await list.reload();
    });
  return (
    <Section focus onClose={onClose} title="Share links">
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
