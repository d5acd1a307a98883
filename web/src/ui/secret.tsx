// A password the user just set or generated, kept on screen with a Copy
// button until the panel (or the notice) is closed: it is shown nowhere
// else later.
import { useRef, useState } from 'preact/hooks';

let secretCounter = 0;

export function ShownSecret({ label, value, onDone, doneLabel = 'Done' }: { label: string; value: string; onDone?: () => unknown; doneLabel?: string }) {
  const id = useRef(`secret-${++secretCounter}`);
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('Copied to the clipboard.');
    } catch {
      (document.getElementById(id.current) as HTMLInputElement | null)?.select();
      setCopied('Selected: press Ctrl+C (or ⌘C) to copy.');
    }
  };
  return (
    <div class="shown-secret">
      <label for={id.current}>{label}</label>
      <div class="field-row">
        <input id={id.current} readOnly value={value} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" onClick={() => void copy()} aria-label={`Copy ${label.toLowerCase()}`}>
          Copy
        </button>
      </div>
      <p role="status" class="ok">
        {copied}
      </p>
      {onDone && (
        <button type="button" onClick={() => onDone()}>
          {doneLabel}
        </button>
      )}
    </div>
  );
}
