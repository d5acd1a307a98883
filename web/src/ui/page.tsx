import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { Dialog } from './dialog';

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

// `focus`: a panel opened by an action (edit, logs, rename ...) takes focus
// on arrival (its heading, then Tab reaches its first field) and scrolls
// into view, so keyboard and screen-reader users land on it.
// With `onClose` as well, the panel is a Dialog (Escape closes it, focus
// returns to the control that opened it).
export function Section({ title, children, focus, onClose }: { title: string; children: ComponentChildren; focus?: boolean; onClose?: () => unknown }) {
  if (focus && onClose)
    return (
      <Dialog title={title} onClose={onClose}>
        {children}
      </Dialog>
    );
  return <PlainSection title={title} focus={focus}>{children}</PlainSection>;
}

function PlainSection({ title, children, focus }: { title: string; children: ComponentChildren; focus?: boolean }) {
  const h2 = useRef<HTMLHeadingElement>(null);
  // A layout effect (right after the render, before any later input), and
  // never taking focus from a control of this section: a deferred effect
  // could steal it from someone already typing in the form.
  useLayoutEffect(() => {
    if (!focus || !h2.current) return;
    if (h2.current.parentElement?.contains(document.activeElement)) return;
    h2.current.focus({ preventScroll: true });
    h2.current.scrollIntoView?.({ block: 'nearest' });
  }, []);
  return (
    <section class="card">
      <h2 ref={h2} tabIndex={focus ? -1 : undefined}>
        {title}
      </h2>
      {children}
    </section>
  );
}

export function LoadState({ loading, error, empty, emptyText = 'Nothing here yet.' }: { loading: boolean; error: string | null; empty?: boolean; emptyText?: string }) {
  if (error)
    return (
      <p class="form-error" role="alert">
        {error}
      </p>
    );
  if (loading) return <p aria-live="polite">Loading…</p>;
  if (empty) return <p class="muted">{emptyText}</p>;
  return null;
}

// "0001-01-01T00:00:00Z" is the product's "never".
export function When({ at, never = 'Never' }: { at: string | null | undefined; never?: string }) {
  if (!at || at.startsWith('0001-01-01')) return <span class="muted">{never}</span>;
  const d = new Date(at);
  // One format everywhere: the browser's locale; the server's own RFC 3339
  // value (with its offset) on hover.
  return (
    <time dateTime={at} title={at}>
      {isNaN(d.getTime()) ? at : d.toLocaleString()}
    </time>
  );
}
