// Backups (docs/openapi/backups.yaml): runs, restore, schedule, and the
// export/import of one database. Backups, restores and imports are tasks
// polled at /backups/tasks/{id} (the file task object).
import { ApiError, pollDelay, type Api } from './client';
import type { Task } from './files_transfer';

export interface Backup {
  id: string;
  owner: string;
  status: 'running' | 'done' | 'failed';
  trigger: 'manual' | 'schedule';
  started_at: string;
  finished_at: string | null;
  size_bytes: number;
  added_bytes: number;
  databases: string[];
  paths_count: number;
  snapshot: string;
  error?: string;
}

export interface BackupSchedule {
  owner: string;
  enabled: boolean;
  keep_daily: number;
  keep_weekly: number;
  keep_monthly: number;
  last_run: string | null;
}

export type RestoreWhat = 'account' | 'database' | 'paths';

export interface RestoreRequest {
  what: RestoreWhat;
  database?: string;
  paths?: string[];
  target?: string;
  overwrite?: boolean;
}

export function listBackups(api: Api) {
  return api.get<Backup[]>('/backups');
}

export function startBackup(api: Api, owner?: string) {
  return api.post<Task>('/backups', owner ? { owner } : {});
}

export function restoreBackup(api: Api, id: string, req: RestoreRequest) {
  return api.post<Task>('/backups/{id}/restore', req, { id });
}

export function getSchedule(api: Api) {
  return api.get<BackupSchedule>('/backups/schedule');
}

export function putSchedule(api: Api, s: Omit<BackupSchedule, 'owner' | 'last_run'>) {
  return api.put<BackupSchedule>('/backups/schedule', s);
}

export function getBackupTask(api: Api, id: string) {
  return api.get<Task>('/backups/tasks/{id}', { id });
}

export function cancelBackupTask(api: Api, id: string) {
  return api.del('/backups/tasks/{id}', { id });
}

function taskMessage(t: Task): string {
  if (typeof t.error === 'string' && t.error) return t.error;
  if (t.error && typeof t.error === 'object' && t.error.message) return t.error.message;
  return 'The task failed';
}

// Polls a backup task until it ends; `onUpdate` sees every state.
export async function waitBackupTask(api: Api, id: string, onUpdate: (t: Task) => void, intervalMs = 500): Promise<Task> {
  for (let n = 0; ; n++) {
    const t = await getBackupTask(api, id);
    onUpdate(t);
    if (t.status === 'done') return t;
    if (t.status === 'failed') throw new ApiError(typeof t.error === 'object' && t.error?.status ? t.error.status : 500, 'TASK_FAILED', taskMessage(t));
    if (t.status === 'cancelled') throw new ApiError(0, 'CANCELLED', 'Cancelled');
    await new Promise((r) => setTimeout(r, pollDelay(n, intervalMs)));
  }
}

// A streamed download (export, backup paths) fetched with the Bearer
// header and handed to the browser under `name`.
async function saveDownload(api: Api, url: string, name: string): Promise<void> {
  let res: Response;
  try {
    res = await api.fetchFn(url, { headers: api.authHeaders() });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The panel cannot be reached; check your connection');
  }
  if (!res.ok) throw api.errorFrom(res.status, await res.text(), res.headers.get('Retry-After'));
  const blob = await res.blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

export function exportDatabase(api: Api, id: string) {
  return saveDownload(api, api.url('/databases/{id}/export', { id }), `${id}.sql.gz`);
}

export function downloadBackupPath(api: Api, id: string, path: string) {
  const base = path.split('/').filter(Boolean).pop() ?? 'home';
  return saveDownload(api, api.url('/backups/{id}/download', { id }, { paths: path }), `${base}-${id}.tar.gz`);
}

// Uploads a .sql or .sql.gz as the request body; answers the import task.
export async function importDatabase(api: Api, id: string, file: Blob): Promise<Task> {
  let res: Response;
  try {
    res = await api.fetchFn(api.url('/databases/{id}/import', { id }), {
      method: 'POST',
      headers: { ...api.authHeaders(), 'Content-Type': 'application/octet-stream' },
      body: file,
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The panel cannot be reached; check your connection');
  }
  const text = await res.text();
  if (!res.ok) throw api.errorFrom(res.status, text, res.headers.get('Retry-After'));
  return JSON.parse(text) as Task;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
