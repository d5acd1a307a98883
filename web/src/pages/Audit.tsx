// The audit log (docs/account-security.md): admins see every record,
// others their own account's. Filters, pages, and a JSON-lines export.
import { useState } from 'preact/hooks';
import type { AuditPage } from '../api/types';
import { useApp, useLoad } from '../ui/context';
import { TextField, useForm } from '../ui/form';
import { FormButtons } from '../ui/crud';
import { Page, Section, When } from '../ui/page';
import { Status } from '../ui/status';
import { ListTable } from '../ui/list_table';

export const PER_PAGE = 50;

export function Audit() {
  const { api, me } = useApp();
  const isAdmin = me.role === 'admin';
  const [filters, setFilters] = useState<Record<string, string>>({});
  const [page, setPage] = useState(1);
  const [exportError, setExportError] = useState<string | null>(null);
  const list = useLoad(() => api.get<AuditPage>('/audit', undefined, { ...filters, page: String(page), per_page: String(PER_PAGE) }), [filters, page]);
  const form = useForm({
    actor: { label: 'Actor' },
    action: { label: 'Action' },
    target: { label: 'Target' },
    from: { label: 'From', match: /\bfrom\b/ },
    to: { label: 'To', match: /\bto\b/ },
  });
  const apply = form.submit(async (v) => {
    const f: Record<string, string> = {};
    for (const [k, val] of Object.entries(v)) if (val.trim()) f[k] = val.trim();
    // Checked by the panel (a 400 naming the field lands on it).
    await api.get<AuditPage>('/audit', undefined, { ...f, page: '1', per_page: '1' });
    setPage(1);
    setFilters(f);
  });
  const exportLines = async () => {
    setExportError(null);
    try {
      const res = await api.fetchFn(api.url('/audit/export', undefined, filters), { headers: api.authHeaders() });
      if (!res.ok) throw api.errorFrom(res.status, await res.text(), res.headers.get('Retry-After'));
      const blob = await res.blob();
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = 'audit.jsonl';
      a.click();
      URL.revokeObjectURL(a.href);
    } catch (e) {
      setExportError(e instanceof Error ? e.message : String(e));
    }
  };
  const total = list.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PER_PAGE));
  return (
    <Page title="Audit log">
      <Section title="Filter">
        <form onSubmit={apply} noValidate>
          {isAdmin && <TextField form={form} name="actor" autocomplete="off" />}
          <TextField form={form} name="action" autocomplete="off" hint="A prefix, e.g. auth. or POST /api/v1/domains" />
          <TextField form={form} name="target" autocomplete="off" />
          <TextField form={form} name="from" autocomplete="off" placeholder="2026-05-18" />
          <TextField form={form} name="to" autocomplete="off" placeholder="2026-05-19T00:00:00Z" />
          <FormButtons form={form}>Apply</FormButtons>
        </form>
      </Section>
      <Section title={isAdmin ? 'All records' : 'Your account'}>
        <ListTable
          label="Audit records"
          list={list}
          items={list.data?.items ?? null}
          columns={['Time', 'Actor', 'Action', 'Target', 'Result', 'Address', 'Credential']}
          row={(a) => (
            <tr key={a.id}>
              <td data-label="Time">
                <When at={a.time} />
              </td>
              <td data-label="Actor">
                {a.actor || <span class="muted">—</span>}
                {a.acting_as && <>{' '}<span class="badge">as {a.acting_as}</span></>}
              </td>
              <td data-label="Action">
                <code>{a.action}</code>
              </td>
              <td data-label="Target">{a.target}</td>
              <td data-label="Result">
                <Status word={a.result} /> ({a.status})
                {a.repeats > 0 && <>{' '}<span class="badge">{`${a.repeats} more that minute`}</span></>}
              </td>
              <td data-label="Address">{a.ip}</td>
              <td data-label="Credential">{a.credential}</td>
            </tr>
          )}
        />
        <nav aria-label="Audit pages" class="buttons">
          <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            Newer
          </button>
          <span>
            Page {page} of {pages} ({total} records)
          </span>
          <button type="button" disabled={page >= pages} onClick={() => setPage(page + 1)}>
            Older
          </button>
          <button type="button" onClick={() => void exportLines()}>
            Export (JSON lines)
          </button>
        </nav>
        {exportError && (
          <p class="error" role="alert">
            {exportError}
          </p>
        )}
      </Section>
    </Page>
  );
}
