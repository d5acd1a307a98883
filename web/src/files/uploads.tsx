// Uploads: one request per file, each with its own progress bar, through
// one queue that sends at most UPLOAD_CONCURRENCY at a time; a 429 waits
// what the panel asks (Retry-After) and sends the file again.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import { uploadFile } from '../api/files_transfer';
import { useApp } from '../ui/context';
import { messageOf } from '../ui/errors';
import { RowError } from '../ui/form';
import { formatSize } from './util';

let uploadIds = 0;

export const UPLOAD_CONCURRENCY = 3;

// Runs `work` for each item, at most `limit` at once, in order of arrival;
// resolves when all have finished (each handles its own failure).
export async function runQueue<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

interface UploadItem {
  id: number;
  file: File;
  loaded: number;
  state: 'waiting' | 'uploading' | 'done' | 'error' | 'exists';
  error?: string;
}

// Uploads: one request per file, each with its own progress bar; a file
// that exists asks before it is replaced (409), one over the limit says
// so before it is sent (and the panel's 413 is shown as well).
export function useUploads(dir: string, onUploaded: () => unknown) {
  const { api } = useApp();
  const [items, setItems] = useState<UploadItem[]>([]);
  const limit = useRef<number | null>(null);
  useEffect(() => {
    api.get<{ max_upload_mb: number }>('/files/upload-limits').then(
      (r) => (limit.current = r.max_upload_mb),
      () => undefined,
    );
  }, []);
  const update = (file: File, change: Partial<UploadItem>) => setItems((all) => all.map((i) => (i.file === file ? { ...i, ...change } : i)));
  const send = async (file: File, overwrite = false) => {
    if (limit.current && file.size > limit.current * 1024 * 1024) {
      update(file, { state: 'error', error: `${file.name} is larger than the upload limit of ${limit.current} MB` });
      return;
    }
    update(file, { state: 'uploading', loaded: 0, error: undefined });
    try {
      // A 429 is waited out and the file sent again (api.retrying), so a
      // burst of uploads never loses one to the rate limit.
      await api.retrying(() => uploadFile(api, dir, file, { overwrite, onProgress: (p) => update(file, { loaded: p.loaded }) }));
      update(file, { state: 'done', loaded: file.size });
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) update(file, { state: 'exists', error: `${file.name} exists already` });
      else update(file, { state: 'error', error: messageOf(e) });
    }
  };
  const add = async (files: FileList | File[]) => {
    const list = [...files];
    setItems((all) => [...all.filter((i) => i.state !== 'done'), ...list.map((file) => ({ id: ++uploadIds, file, loaded: 0, state: 'waiting' as const }))]);
    await runQueue(list, UPLOAD_CONCURRENCY, (f) => send(f));
    // One refresh of the listing after the batch, not one per file.
    await onUploaded();
  };
  const sendOne = async (file: File, overwrite = false) => {
    await send(file, overwrite);
    await onUploaded();
  };
  return { items, add, send: sendOne, clear: () => setItems([]) };
}

export function UploadList({ up }: { up: ReturnType<typeof useUploads> }) {
  if (!up.items.length) return null;
  return (
    <section class="uploads" aria-label="Uploads">
      <ul>
        {up.items.map((i) => (
          <li key={i.id}>
            <label>
              {i.file.name} ({formatSize(i.file.size)}){' '}
              {i.state === 'done' ? '✓ uploaded' : i.state === 'uploading' ? `${Math.round((100 * i.loaded) / Math.max(1, i.file.size))}%` : ''}
              <progress max={Math.max(1, i.file.size)} value={i.loaded} />
            </label>
            {i.error && <RowError message={i.error} />}
            {i.state === 'exists' && (
              <button type="button" onClick={() => void up.send(i.file, true)}>
                Replace {i.file.name}
              </button>
            )}
          </li>
        ))}
      </ul>
      <button type="button" onClick={up.clear}>
        Clear the list
      </button>
    </section>
  );
}
