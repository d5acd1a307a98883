// The file editor (loaded on demand: its own chunk, so the initial script
// stays small). A textarea over a coloured copy of the text (highlight.ts):
// typing, selection, undo, IME and screen readers are the browser's own.
// Font size and theme are the user's file-manager settings (/files/config).
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { FileContent, FileSettings } from '../api/types';
import { useApp } from '../ui/context';
import { messageOf } from '../ui/errors';
import { tokenize } from './highlight';
import { baseName, languageOf } from './util';

export const THEMES = [
  ['vs-dark', 'Dark'],
  ['vs', 'Light'],
  ['hc-black', 'High contrast'],
] as const;

export interface EditorProps {
  path: string;
  onClose: (saved: boolean) => void;
  // After each save (the list refreshes size and time).
  onSaved?: () => void;
}

export default function Editor({ path, onClose, onSaved }: EditorProps) {
  const { api } = useApp();
  const [text, setText] = useState<string | null>(null);
  const [original, setOriginal] = useState('');
  const [settings, setSettings] = useState<FileSettings>({ recycle_bin_enabled: true, editor_font_size: 14, editor_theme: 'vs-dark' });
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string>('');
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const layer = useRef<HTMLPreElement>(null);
  const lang = languageOf(baseName(path));

  useEffect(() => {
    let live = true;
    (async () => {
      try {
        const [c, s] = await Promise.all([api.get<FileContent>('/files/read', {}, { path }), api.get<FileSettings>('/files/config').catch(() => null)]);
        if (!live) return;
        setText(c.content);
        setOriginal(c.content);
        if (s) setSettings(s);
        setTimeout(() => area.current?.focus(), 0);
      } catch (e) {
        if (live) setError(messageOf(e));
      }
    })();
    return () => {
      live = false;
    };
  }, [path]);

  const tokens = useMemo(() => (text === null ? [] : tokenize(text + '\n', lang)), [text, lang]);
  const dirty = text !== null && text !== original;

  const save = async () => {
    if (text === null || busy) return;
    setBusy(true);
    setError(null);
    try {
      await api.post('/files/write', { path, content: text });
      setOriginal(text);
      setSaved(true);
      setStatus(`Saved at ${new Date().toLocaleTimeString()}`);
      onSaved?.();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  const close = () => {
    if (dirty && !window.confirm('Close without saving your changes?')) return;
    onClose(saved);
  };
  const changeSettings = async (change: Partial<FileSettings>) => {
    const next = { ...settings, ...change };
    setSettings(next);
    try {
      setSettings(await api.put<FileSettings>('/files/config', change));
    } catch (e) {
      setError(messageOf(e));
    }
  };
  const escaped = useRef(false);
  const onKey = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
      e.preventDefault();
      void save();
    } else if (e.key === 'Tab' && !e.shiftKey && !e.ctrlKey && !e.altKey && area.current) {
      // Tab indents; Escape then Tab leaves the editor (keyboard users are never trapped).
      if (escaped.current) return;
      e.preventDefault();
      const t = area.current;
      t.setRangeText('  ', t.selectionStart, t.selectionEnd, 'end');
      setText(t.value);
    } else if (e.key === 'Escape') {
      escaped.current = true;
      setStatus('Tab now moves focus out of the editor');
    }
    if (e.key !== 'Escape' && e.key !== 'Tab' && e.key !== 'Shift') escaped.current = false;
  };
  const sync = () => {
    if (layer.current && area.current) {
      layer.current.scrollTop = area.current.scrollTop;
      layer.current.scrollLeft = area.current.scrollLeft;
    }
  };
  const theme = THEMES.some(([t]) => t === settings.editor_theme) ? settings.editor_theme : 'vs-dark';
  const style = { fontSize: `${settings.editor_font_size}px` };

  return (
    <section class="card editor-card" aria-label={`Editor: ${path}`}>
      <div class="editor-bar">
        <h2>
          {baseName(path)} {dirty && <span class="muted">(unsaved)</span>}
        </h2>
        <label>
          Theme{' '}
          <select value={theme} onChange={(e) => void changeSettings({ editor_theme: e.currentTarget.value })}>
            {THEMES.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label>
          Font size{' '}
          <input
            type="number"
            min={8}
            max={40}
            value={settings.editor_font_size}
            style={{ width: '5rem' }}
            onChange={(e) => {
              const n = Number(e.currentTarget.value);
              if (n >= 8 && n <= 40) void changeSettings({ editor_font_size: n });
            }}
          />
        </label>
      </div>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {text === null && !error && <p aria-live="polite">Loading…</p>}
      {text !== null && (
        <div class={`editor theme-${theme}`} style={style}>
          <pre class="editor-layer" ref={layer} aria-hidden="true">
            {tokens.map((t, i) => (t.kind ? <span key={i} class={`tk-${t.kind}`}>{t.text}</span> : t.text))}
          </pre>
          <textarea
            ref={area}
            class="editor-input"
            aria-label={`Content of ${baseName(path)}`}
            aria-describedby="editor-keys"
            spellcheck={false}
            autocapitalize="off"
            autocomplete="off"
            wrap="off"
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
            onScroll={sync}
            onKeyDown={onKey}
          />
        </div>
      )}
      <p class="hint" id="editor-keys">
        Ctrl+S saves. Tab indents; press Escape, then Tab, to leave the editor. Language: {lang}.
      </p>
      <div class="buttons">
        <button type="button" class="primary" disabled={busy || text === null} aria-busy={busy} onClick={() => void save()}>
          {busy ? 'Saving…' : 'Save'}
        </button>
        <button type="button" onClick={close}>
          Close editor
        </button>
        <span role="status" class="muted">
          {/* "Saved" and "(unsaved)" never together: an edit after a save drops it. */}
          {dirty && status.startsWith('Saved') ? '' : status}
        </span>
      </div>
    </section>
  );
}
