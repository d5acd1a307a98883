// Small pure helpers of the file manager (tested in files/util.test.ts).
import type { FileEntry } from '../api/types';

export function joinPath(dir: string, name: string) {
  return (dir.endsWith('/') ? dir : dir + '/') + name;
}

export function parentOf(path: string) {
  const parts = path.split('/').filter(Boolean);
  parts.pop();
  return '/' + parts.join('/');
}

export function baseName(path: string) {
  return path.split('/').filter(Boolean).pop() ?? '';
}

export function crumbs(path: string): { name: string; path: string }[] {
  const parts = path.split('/').filter(Boolean);
  return [{ name: 'Home', path: '/' }, ...parts.map((p, i) => ({ name: p, path: '/' + parts.slice(0, i + 1).join('/') }))];
}

// A name typed by the user for a new file or folder, or a rename.
export function checkName(label: string) {
  return (v: string): string | null => {
    const n = v.trim();
    if (!n) return `${label} is required`;
    if (n.includes('/') || n === '.' || n === '..') return `${label} cannot contain / or be . or ..`;
    if (n.includes('\0')) return `${label} cannot contain a NUL byte`;
    if (new TextEncoder().encode(n).length > 255) return `${label} must be at most 255 bytes`;
    return null;
  };
}

// An absolute path inside the home ("/" is the home).
export function checkDir(label: string) {
  return (v: string): string | null => {
    const p = v.trim();
    if (!p) return `${label} is required`;
    if (!p.startsWith('/')) return `${label} must start with / (your home)`;
    if (p.split('/').includes('..')) return `${label} must not contain ..`;
    return null;
  };
}

export function formatSize(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

// "644" or "0644" -> "rw-r--r--"; null when it is not an octal mode.
export function modeString(mode: string): string | null {
  const m = /^0?([0-7]{3})$/.exec(mode.trim());
  if (!m) return null;
  return [...m[1]].map((d) => {
    const n = Number(d);
    return (n & 4 ? 'r' : '-') + (n & 2 ? 'w' : '-') + (n & 1 ? 'x' : '-');
  }).join('');
}

export const checkMode = (v: string) =>
  /^0?[0-7]{3}$/.test(v.trim()) ? null : 'Mode must be three octal digits such as 644 or 755 (setuid, setgid and sticky are not allowed)';

const ARCHIVE = /\.(zip|tar|tar\.gz|tgz|tar\.bz2|tbz2|tar\.xz|txz|tar\.zst|7z|rar)$/i;
export const isArchive = (name: string) => ARCHIVE.test(name);
export const ARCHIVE_FORMATS = ['zip', 'tar.gz', 'tar', 'tar.bz2', 'tar.xz', 'tar.zst'];

export type SortKey = 'name' | 'size' | 'mod_time';
export interface Sort {
  key: SortKey;
  desc: boolean;
}

// Folders first, then by the key (names compared naturally: a2 < a10).
export function sortEntries(items: FileEntry[], sort: Sort): FileEntry[] {
  const dir = sort.desc ? -1 : 1;
  const byName = (a: FileEntry, b: FileEntry) => a.name.localeCompare(b.name, undefined, { numeric: true, sensitivity: 'base' });
  return [...items].sort((a, b) => {
    if (a.is_dir !== b.is_dir) return a.is_dir ? -1 : 1;
    let c = 0;
    if (sort.key === 'size') c = a.size - b.size;
    else if (sort.key === 'mod_time') c = a.mod_time < b.mod_time ? -1 : a.mod_time > b.mod_time ? 1 : 0;
    return (c || byName(a, b)) * dir;
  });
}

// The editor's language from a file name (files/highlight.ts).
export function languageOf(name: string): string {
  const n = name.toLowerCase();
  const ext = n.includes('.') ? n.slice(n.lastIndexOf('.') + 1) : n;
  const map: Record<string, string> = {
    js: 'js', mjs: 'js', cjs: 'js', jsx: 'js', ts: 'js', tsx: 'js', json: 'json',
    php: 'php', py: 'python', sh: 'shell', bash: 'shell', htaccess: 'shell', env: 'shell',
    css: 'css', scss: 'css', html: 'html', htm: 'html', xml: 'html', svg: 'html', vue: 'html',
    sql: 'sql', yml: 'yaml', yaml: 'yaml', ini: 'ini', conf: 'ini', toml: 'ini', md: 'text', txt: 'text',
  };
  return map[ext] ?? 'text';
}
