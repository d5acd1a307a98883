// The one dialog of the interface (issue 17): an edit panel opens as a
// dialog in view instead of at the bottom of a long page; Escape closes it
// and focus goes back to the control that opened it.
import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';

let dialogCounter = 0;

// The control to give focus back to: the element itself while it is still
// on the page, else one with the same accessible name (a list reloaded
// after the edit renders its rows anew).
function restoreFocus(opener: HTMLElement | null, label: string | null) {
  if (opener?.isConnected) {
    opener.focus();
    return;
  }
  if (label) (document.querySelector(`[aria-label="${CSS.escape(label)}"]`) as HTMLElement | null)?.focus();
}

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function Dialog({ title, onClose, children }: { title: string; onClose: () => unknown; children: ComponentChildren }) {
  const box = useRef<HTMLElement>(null);
  const h2 = useRef<HTMLHeadingElement>(null);
  const id = useRef(`dialog-${++dialogCounter}`);
  const close = useRef(onClose);
  close.current = onClose;
  // Before anything in the dialog takes focus: who opened it.
  useLayoutEffect(() => {
    const opener = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null;
    const label = opener?.getAttribute('aria-label') ?? null;
    if (!box.current?.contains(document.activeElement)) h2.current?.focus({ preventScroll: true });
    return () => {
      // After the dialog has left the page (the list may re-render first).
      setTimeout(() => restoreFocus(opener, label), 0);
    };
  }, []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      // The innermost dialog only.
      const all = document.querySelectorAll('[role="dialog"]');
      if (all[all.length - 1] !== box.current) return;
      e.preventDefault();
      close.current();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  // Tab stays inside the dialog.
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Tab' || !box.current) return;
    const items = [...box.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    if (items.length === 0) return;
    const first = items[0];
    const last = items[items.length - 1];
    if (e.shiftKey && (document.activeElement === first || document.activeElement === h2.current)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };
  return (
    <div class="dialog-backdrop" onClick={(e) => e.target === e.currentTarget && close.current()}>
      <section class="dialog card" role="dialog" aria-modal="true" aria-labelledby={`${id.current}-title`} ref={box} onKeyDown={onKeyDown}>
        <div class="dialog-head">
          <h2 id={`${id.current}-title`} ref={h2} tabIndex={-1}>
            {title}
          </h2>
          <button type="button" class="dialog-close" aria-label={`Close dialog: ${title}`} onClick={() => close.current()}>
            Close
          </button>
        </div>
        {children}
      </section>
    </div>
  );
}
