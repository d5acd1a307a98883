// Bulk actions (docs/openapi/files_bulk.yaml): several paths in one
// request, and an exact answer per path. The interface reports exactly
// that: how many succeeded, and each failure by name with its message.
import type { Api } from '../api/client';

export interface BulkItem {
  path: string;
  success: boolean;
  message: string;
  code?: string;
  status?: number;
}

export interface BulkResults {
  results: BulkItem[];
  succeeded: number;
  failed: number;
  message: string;
}

export type BulkOp = 'delete' | 'chmod' | 'copy' | 'move' | 'restore';

export function bulkDelete(api: Api, paths: string[]) {
  return api.post<BulkResults>('/files/bulk/delete', { paths });
}
export function bulkChmod(api: Api, paths: string[], mode: string, recursive: boolean) {
  return api.post<BulkResults>('/files/bulk/chmod', { paths, mode, recursive });
}
export function bulkCopy(api: Api, sources: string[], destination: string, overwrite: boolean) {
  return api.post<BulkResults>('/files/bulk/copy', { sources, destination, overwrite });
}
export function bulkMove(api: Api, sources: string[], destination: string, overwrite: boolean) {
  return api.post<BulkResults>('/files/bulk/move', { sources, destination, overwrite });
}
export function bulkRestore(api: Api, trash_paths: string[], overwrite = false) {
  return api.post<BulkResults>('/files/bulk/restore', { trash_paths, overwrite });
}

// Several answers (e.g. folders and files sent apart) as one.
export function mergeResults(...all: BulkResults[]): BulkResults {
  const results = all.flatMap((r) => r.results);
  const succeeded = results.filter((r) => r.success).length;
  return { results, succeeded, failed: results.length - succeeded, message: '' };
}

// What the page shows: a notice of what was done (exact counts) and one
// line per failure, "name: message".
export interface BulkReport {
  notice: string;
  failures: string[];
}

export function reportOf(r: BulkResults, done: string, nameOf: (path: string) => string = (p) => p.split('/').filter(Boolean).pop() ?? p): BulkReport {
  const total = r.results.length;
  // One item is named ("index.php moved to the trash"); several are counted.
  const counted = total === 1 ? nameOf(r.results[0].path) : `${r.succeeded} of ${total} items`;
  const notice = r.succeeded === 0 ? `Nothing was ${done}` : `${r.succeeded === total && total > 1 ? `All ${total} items` : counted} ${done}`;
  const failures = r.results.filter((i) => !i.success).map((i) => `${nameOf(i.path)}: ${i.message}`);
  return { notice: failures.length ? `${notice}; ${failures.length} failed` : notice, failures };
}

export function isReport(v: unknown): v is BulkReport {
  return typeof v === 'object' && v !== null && 'notice' in v && 'failures' in v;
}
