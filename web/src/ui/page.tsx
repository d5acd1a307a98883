import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

// A page with its heading focused on arrival, so keyboard and screen-reader
// users land at the top of the new content after navigation.
export function Page({ title, children }: { title: string; children: ComponentChildren }) {
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · WisPanel`;
    h1.current?.focus();
  }, [title]);
  return (
    <section class="page" aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1} ref={h1}>
        {title}
      </h1>
      {children}
    </section>
  );
}

export function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="card">
      <h2>{title}</h2>
      {children}
    </section>
  );
}

export function LoadState({ loading, error, empty }: { loading: boolean; error: string | null; empty?: boolean }) {
  if (error)
    return (
      <p class="form-error" role="alert">
        {error}
      </p>
    );
  if (loading) return <p aria-live="polite">Loading…</p>;
  if (empty) return <p class="muted">Nothing here yet.</p>;
  return null;
}

// "0001-01-01T00:00:00Z" is the product's "never".
export function When({ at, never = 'Never' }: { at: string | null | undefined; never?: string }) {
  if (!at || at.startsWith('0001-01-01')) return <span class="muted">{never}</span>;
  const d = new Date(at);
  return <time dateTime={at}>{isNaN(d.getTime()) ? at : d.toLocaleString()}</time>;
}
