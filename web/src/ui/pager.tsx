// Client-side pages for long lists (the API answers whole lists; a page of
// 25 rows keeps tables usable on a phone and for screen readers).
import { useEffect, useState } from 'preact/hooks';

export const PAGE_SIZE = 25;

export function usePaged<T>(items: T[] | null | undefined, size = PAGE_SIZE) {
  const all = items ?? [];
  const pages = Math.max(1, Math.ceil(all.length / size));
  const [page, setPage] = useState(0);
  // A list that shrank (a delete on the last page) keeps a valid page.
  useEffect(() => {
    if (page > pages - 1) setPage(pages - 1);
  }, [page, pages]);
  const current = Math.min(page, pages - 1);
  return { rows: all.slice(current * size, (current + 1) * size), page: current, pages, total: all.length, setPage };
}

export function Pager({ label, paged }: { label: string; paged: ReturnType<typeof usePaged<unknown>> }) {
  if (paged.pages <= 1) return null;
  return (
    <nav class="pager" aria-label={`${label} pages`}>
      <button type="button" disabled={paged.page === 0} onClick={() => paged.setPage(paged.page - 1)}>
        Previous
      </button>
      <span aria-live="polite">
        Page {paged.page + 1} of {paged.pages} ({paged.total} items)
      </span>
      <button type="button" disabled={paged.page >= paged.pages - 1} onClick={() => paged.setPage(paged.page + 1)}>
        Next
      </button>
    </nav>
  );
}
