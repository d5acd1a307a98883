// Images and PDFs open in a preview, not in the text editor (issue 17).
// The bytes come with the Bearer header (GET /files/download): an image is
// shown as a data: URL, a PDF in a frame from a blob: URL (the panel's CSP
// allows exactly these).
import { useEffect, useState } from 'preact/hooks';
import type { FileEntry } from '../api/types';
import { ApiError } from '../api/client';
import { downloadFile } from '../api/files_transfer';
import { useApp } from '../ui/context';
import { messageOf } from '../ui/errors';
import { Dialog } from '../ui/dialog';
import { formatSize } from './util';

const IMAGE = /\.(png|jpe?g|gif|webp|bmp|ico|avif)$/i;
const PDF = /\.pdf$/i;
// Bigger files are offered as a download only.
export const PREVIEW_MAX_BYTES = 20 * 1024 * 1024;

export function previewKind(name: string): 'image' | 'pdf' | null {
  if (IMAGE.test(name)) return 'image';
  if (PDF.test(name)) return 'pdf';
  return null;
}

const asDataUrl = (b: Blob) =>
  new Promise<string>((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(b);
  });

export function PreviewPanel({ entry, onClose }: { entry: FileEntry; onClose: () => unknown }) {
  const { api } = useApp();
  const kind = previewKind(entry.name);
  const [src, setSrc] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const tooBig = entry.size > PREVIEW_MAX_BYTES;
  useEffect(() => {
    if (tooBig || !kind) return;
    let live = true;
    let url: string | null = null;
    (async () => {
      try {
        let res: Response;
        try {
          res = await api.fetchFn(api.url('/files/download', {}, { path: entry.path }), { headers: api.authHeaders() });
        } catch {
          throw new ApiError(0, 'NETWORK', 'The panel cannot be reached; check your connection');
        }
        if (!res.ok) throw api.errorFrom(res.status, await res.text(), res.headers.get('Retry-After'));
        const blob = await res.blob();
        if (kind === 'image') {
          const d = await asDataUrl(blob);
          if (live) setSrc(d);
        } else {
          url = URL.createObjectURL(new Blob([blob], { type: 'application/pdf' }));
          if (live) setSrc(url);
        }
      } catch (e) {
        if (live) setError(messageOf(e));
      }
    })();
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [entry.path]);
  return (
    <Dialog title={`Preview of ${entry.name}`} onClose={onClose}>
      <p class="muted">
        {formatSize(entry.size)}
        {kind === 'pdf' ? ', PDF document' : ', image'}
      </p>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {tooBig && <p>This file is too big to preview here; download it instead.</p>}
      {!tooBig && !src && !error && <p aria-live="polite">Loading…</p>}
      {src && kind === 'image' && <img class="preview-image" src={src} alt={entry.name} />}
      {src && kind === 'pdf' && <iframe class="preview-pdf" src={src} title={`PDF: ${entry.name}`} />}
      <div class="buttons">
        <button type="button" onClick={() => void downloadFile(api, entry.path).catch((e) => setError(messageOf(e)))}>
          Download
        </button>
      </div>
    </Dialog>
  );
}
