// File transfer calls whose API is being built on other branches (upload,
// download, share links, async tasks). Every call of those routes lives in
// this one module so the lead can adjust them at merge; until the files
// document lists them, api/openapi.test.ts carries them in PENDING_PATHS.
//
// Shapes coded against (the lead's brief):
//   POST /files/upload   multipart: path, file (one or more), overwrite="true"
//                        409 a file exists (offer overwrite), 413 over max_upload_mb
//   GET  /files/download?path=   bytes; a directory comes as a zip
//   POST /files/share {path, expires_in?, password?, max_downloads?} -> {id, url, expires_at}
//   GET  /files/shares -> {items: Share[]};  DELETE /files/shares/{id}
//   compress/extract/copy with async:true -> 202 {task_id, status}
//   GET /files/tasks/{id} -> Task;  DELETE /files/tasks/{id} cancels
import { ApiError, pollDelay, type Api } from './client';

export interface Share {
  id: string;
  path: string;
  // Only when just created: the panel may keep no token, so a listed link
  // has no url (the shares branch does so).
  url?: string;
  expires_at: string;
  downloads: number;
  max_downloads: number | null;
  has_password: boolean;
  is_dir?: boolean;
  state?: 'active' | 'expired' | 'exhausted';
  created_at: string;
}

export interface ShareRequest {
  path: string;
  expires_in?: number;
  password?: string;
  max_downloads?: number;
}

export type TaskStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface Task {
  id: string;
  kind: string;
  status: TaskStatus;
  percent: number;
  bytes_done: number;
  // Null until known (the tasks branch measures the tree first).
  bytes_total: number | null;
  // A message, or the error envelope the synchronous call would have given.
  error?: string | { code?: string; message?: string; status?: number };
}

function taskError(t: Task): string {
  if (typeof t.error === 'string' && t.error) return t.error;
  if (t.error && typeof t.error === 'object' && t.error.message) return t.error.message;
  return 'The task failed';
}

export interface UploadProgress {
  loaded: number;
  total: number;
}

// One file, one request, so each gets its own progress bar and its own
// error (409 -> ask to overwrite, 413 -> too large).
export function uploadFile(
  api: Api,
  dir: string,
  file: File,
  opts: { overwrite?: boolean; onProgress?: (p: UploadProgress) => void; signal?: AbortSignal } = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', api.url('/files/upload'));
    for (const [k, v] of Object.entries(api.authHeaders())) xhr.setRequestHeader(k, v);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (e) => opts.onProgress?.({ loaded: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        opts.onProgress?.({ loaded: file.size, total: file.size });
        resolve();
      } else reject(api.errorFrom(xhr.status, xhr.responseText, xhr.getResponseHeader('Retry-After')));
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'The upload was interrupted; check your connection'));
    xhr.onabort = () => reject(new ApiError(0, 'ABORTED', 'Upload cancelled'));
    opts.signal?.addEventListener('abort', () => xhr.abort());
    const form = new FormData();
    form.append('path', dir);
    if (opts.overwrite) form.append('overwrite', 'true');
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

// Fetches the bytes with the Bearer header and hands them to the browser
// as a download (a directory arrives as NAME.zip).
export async function downloadFile(api: Api, path: string, isDir = false): Promise<void> {
  let res: Response;
  try {
    res = await api.fetchFn(api.url('/files/download', {}, { path }), { headers: api.authHeaders() });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The panel cannot be reached; check your connection');
  }
  if (!res.ok) throw api.errorFrom(res.status, await res.text(), res.headers.get('Retry-After'));
  const blob = await res.blob();
  const name = (path.split('/').filter(Boolean).pop() ?? 'home') + (isDir ? '.zip' : '');
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function createShare(api: Api, req: ShareRequest) {
  return api.post<{ id: string; url: string; expires_at: string }>('/files/share', req);
}

export async function listShares(api: Api): Promise<Share[]> {
  return (await api.get<{ items: Share[] }>('/files/shares')).items ?? [];
}

export function deleteShare(api: Api, id: string) {
  return api.del('/files/shares/{id}', { id });
}

// The share URL is public and relative to the panel ("/s/<token>").
export function absoluteShareUrl(url: string): string {
  return new URL(url, location.origin).toString();
}

export type AsyncOp = 'compress' | 'extract' | 'copy';

// Starts compress/extract/copy as a task when the panel can; a panel that
// answers at once (200 {message}) is done already.
// The 202 answer is `{task_id, status}` (the brief) or the task itself
// (`{id, status, ...}`, the tasks branch); both are understood.
export async function startFileOp(api: Api, op: AsyncOp, body: Record<string, unknown>): Promise<{ task_id?: string; message?: string }> {
  const withAsync = { ...body, async: true };
  type Started = { task_id?: string; id?: string; status?: string; message?: string };
  let r: Started;
  if (op === 'compress') r = await api.post<Started>('/files/compress', withAsync);
  else if (op === 'extract') r = await api.post<Started>('/files/extract', withAsync);
  else r = await api.post<Started>('/files/copy', withAsync);
  const taskId = r?.task_id ?? (r?.id && r.status ? String(r.id) : undefined);
  return { task_id: taskId, message: r?.message };
}

export function getTask(api: Api, id: string) {
  return api.get<Task>('/files/tasks/{id}', { id });
}

export function cancelTask(api: Api, id: string) {
  return api.del('/files/tasks/{id}', { id });
}

// Polls a task until it ends, less often the longer it runs (pollDelay);
// `onUpdate` sees every state.
export async function waitTask(api: Api, id: string, onUpdate: (t: Task) => void, intervalMs = 400): Promise<Task> {
  for (let n = 0; ; n++) {
    const t = await getTask(api, id);
    onUpdate(t);
    if (t.status === 'done') return t;
    if (t.status === 'failed') {
      const status = typeof t.error === 'object' && t.error?.status ? t.error.status : 500;
      throw new ApiError(status, 'TASK_FAILED', taskError(t));
    }
    if (t.status === 'cancelled') throw new ApiError(0, 'CANCELLED', 'Cancelled');
    await new Promise((r) => setTimeout(r, pollDelay(n, intervalMs)));
  }
}
