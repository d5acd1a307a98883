// The Backups page and the database export/import calls: what they send,
// and how the answers (a failed run, 409 without overwrite, task states,
// an SQL error with its line) reach the interface.
import { h } from 'preact';
import { beforeEach, describe, expect, it } from 'vitest';
import { Api } from '../api/client';
import { formatBytes, importDatabase, waitBackupTask, type Backup } from '../api/backups';
import type { Database } from '../api/types';
import { admin, button, click, envelope, mount, scriptedFetch, settle, submit, type } from '../test/harness';
import { Backups, RestoreForm, ScheduleForm } from './Backups';
import { ImportForm } from './Databases';

beforeEach(() => {
  window.confirm = () => true;
});

const done: Backup = {
  id: 'a1b2c3d4',
  owner: 'admin',
  status: 'done',
  trigger: 'manual',
  started_at: '2026-12-03T01:00:00Z',
  finished_at: '2026-12-03T01:00:09Z',
  size_bytes: 5 * 1024 * 1024,
  added_bytes: 1024,
  databases: ['admin_shop', 'admin_blog'],
  paths_count: 12,
  snapshot: 'f00dfeed',
};
const failed: Backup = { ...done, id: 'deadbeef', status: 'failed', error: 'mariadb-dump failed: View references invalid table', databases: [] };
const schedule = { owner: '*', enabled: false, keep_daily: 7, keep_weekly: 4, keep_monthly: 6, last_run: null };

describe('Backups page', () => {
  it('lists the runs with sizes, databases and the error of a failed one; only a good one can be restored', async () => {
    // The schedule form (a child) loads first.
    const { root, calls } = await mount(h(Backups, {}), [
      { status: 200, body: schedule },
      { status: 200, body: [done, failed] },
    ]);
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/backups/schedule', '/api/v1/backups']);
    const text = root.textContent ?? '';
    expect(text).toContain('5.0 MiB');
    expect(text).toContain('admin_shop, admin_blog');
    expect(text).toContain('View references invalid table');
    expect(root.querySelector('[aria-label="Restore from backup a1b2c3d4"]')).not.toBeNull();
    expect(root.querySelector('[aria-label="Restore from backup deadbeef"]')).toBeNull();
  });
  it('"Back up now" posts and follows the task to its end, then reloads the list', async () => {
    const { root, calls } = await mount(h(Backups, {}), [
      { status: 200, body: schedule },
      { status: 200, body: [] },
      { status: 202, body: { id: 't1', kind: 'backup', status: 'queued', percent: 0, bytes_done: 0, bytes_total: null } },
      { status: 200, body: { id: 't1', kind: 'backup', status: 'done', percent: 100, bytes_done: 9, bytes_total: 9 } },
      { status: 200, body: [done] },
    ]);
    await click(button(root, 'Back up now'));
    for (let i = 0; i < 5; i++) await settle();
    expect(calls[2]).toMatchObject({ method: 'POST', url: '/api/v1/backups', body: {} });
    expect(calls[3].url).toBe('/api/v1/backups/tasks/t1');
    expect(calls[4].url).toBe('/api/v1/backups');
    expect(root.textContent).toContain('backup done');
  });
});

describe('Restore form', () => {
  it('sends the paths, the target and overwrite as the API names them', async () => {
    const started: unknown[] = [];
    const { root, calls } = await mount(h(RestoreForm, { backup: done, onClose: () => {}, onStarted: (t: unknown) => started.push(t) }), [
      { status: 202, body: { id: 't2', kind: 'restore', status: 'queued', percent: 0 } },
    ]);
    await type(root.querySelector('textarea') as unknown as HTMLInputElement, '/site\n/notes.txt');
    await type(root.querySelector<HTMLInputElement>('[aria-label="Target"]')!, '/restored');
    await submit(root);
    expect(calls[0]).toMatchObject({
      method: 'POST',
      url: '/api/v1/backups/a1b2c3d4/restore',
      body: { what: 'paths', paths: ['/site', '/notes.txt'], target: '/restored', overwrite: false },
    });
    expect(started).toHaveLength(1);
  });
  it('a whole account is refused before any request without overwrite; a 409 lands in place', async () => {
    const { root, calls } = await mount(h(RestoreForm, { backup: done, onClose: () => {}, onStarted: () => {} }), [
      envelope(409, 'CONFLICT', 'Database admin_shop exists (set overwrite to true to restore over it)'),
    ]);
    await click(root.querySelector<HTMLInputElement>('input[value="account"]')!);
    await submit(root);
    expect(calls).toHaveLength(0);
    expect(root.textContent).toContain('tick "Overwrite"');
    await click(root.querySelector<HTMLInputElement>('input[value="database"]')!);
    await submit(root);
    expect(calls[0]).toMatchObject({ body: { what: 'database', database: 'admin_shop', overwrite: false } });
    expect(root.textContent).toContain('set overwrite to true');
  });
});

describe('Account restore under another name (admin)', () => {
  it('sends the target account; a new name needs no overwrite, the same one does', async () => {
    const { root, calls } = await mount(h(RestoreForm, { backup: { ...done, owner: 'alice' }, onClose: () => {}, onStarted: () => {} }), [
      { status: 202, body: { id: 't9', kind: 'restore', status: 'queued', percent: 0 } },
    ]);
    await click(root.querySelector<HTMLInputElement>('input[value="account"]')!);
    expect(root.textContent).toContain('Into account (empty: alice');
    const target = root.querySelector<HTMLInputElement>('input[aria-label="Target"]')!;
    await type(target, 'alice');
    await submit(root);
    expect(calls).toHaveLength(0);
    expect(root.textContent).toContain('tick "Overwrite"');
    await type(target, 'carol');
    await submit(root);
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/v1/backups/a1b2c3d4/restore', body: { what: 'account', target: 'carol', overwrite: false } });
  });
  it('a customer sees no account target', async () => {
    const { root } = await mount(h(RestoreForm, { backup: done, onClose: () => {}, onStarted: () => {} }), [], { ...admin, username: 'bob', role: 'user' });
    await click(root.querySelector<HTMLInputElement>('input[value="account"]')!);
    expect(root.querySelector('input[aria-label="Target"]')).toBeNull();
  });
});

describe('Schedule form', () => {
  it("follows the package's max_backups_kept: 0 says so, N is checked before sending", async () => {
    const customer = { ...admin, username: 'bob', role: 'user' as const };
    const none = await mount(h(ScheduleForm, {}), [{ status: 200, body: { ...schedule, owner: 'bob' } }], { ...customer, max_backups_kept: 0 });
    expect(none.root.textContent).toContain('does not include scheduled backups');
    const { root, calls } = await mount(
      h(ScheduleForm, {}),
      [
        { status: 200, body: { ...schedule, owner: 'bob' } },
        { status: 200, body: { ...schedule, owner: 'bob', enabled: true, keep_daily: 2, keep_weekly: 1, keep_monthly: 1 } },
        { status: 200, body: { ...schedule, owner: 'bob', enabled: true, keep_daily: 2, keep_weekly: 1, keep_monthly: 1 } },
      ],
      { ...customer, max_backups_kept: 4 },
    );
    expect(root.textContent).toContain('at most 4 backups');
    await click(root.querySelector<HTMLInputElement>('input[name="enabled"]')!);
    await submit(root);
    expect(calls).toHaveLength(1);
    expect(root.textContent).toContain('must be 4 or less');
    root.querySelector<HTMLInputElement>('input[name="keep_daily"]')!.value = '2';
    root.querySelector<HTMLInputElement>('input[name="keep_monthly"]')!.value = '1';
    root.querySelector<HTMLInputElement>('input[name="keep_weekly"]')!.value = '1';
    await submit(root);
    expect(calls[1]).toMatchObject({ method: 'PUT', body: { enabled: true, keep_daily: 2, keep_weekly: 1, keep_monthly: 1 } });
  });

  it('checks the retention numbers, then PUTs enabled and keep_*', async () => {
    const { root, calls } = await mount(h(ScheduleForm, {}), [
      { status: 200, body: schedule },
      { status: 200, body: { ...schedule, enabled: true, keep_daily: 3 } },
      { status: 200, body: { ...schedule, enabled: true, keep_daily: 3 } },
    ]);
    const daily = root.querySelector<HTMLInputElement>('input[name="keep_daily"]')!;
    daily.value = '-1';
    await submit(root);
    expect(calls).toHaveLength(1);
    expect(root.textContent).toContain('keep_daily must be a whole number');
    daily.value = '3';
    await click(root.querySelector<HTMLInputElement>('input[name="enabled"]')!);
    await submit(root);
    expect(calls[1]).toMatchObject({ method: 'PUT', url: '/api/v1/backups/schedule', body: { enabled: true, keep_daily: 3, keep_weekly: 4, keep_monthly: 6 } });
  });
});

describe('Database import and export calls', () => {
  it('uploads the file as the body and follows the task; an SQL error shows its line', async () => {
    const sent: { url: string; init: RequestInit }[] = [];
    const replies = [
      { status: 202, body: { id: 't3', kind: 'import', status: 'queued', percent: 0 } },
      { status: 200, body: { id: 't3', kind: 'import', status: 'failed', percent: 10, error: { message: 'SQL error at line 4: You have an error in your SQL syntax' } } },
    ];
    const fetchFn = (async (url: string, init: RequestInit = {}) => {
      sent.push({ url, init });
      const r = replies.shift()!;
      return new Response(JSON.stringify(r.body), { status: r.status });
    }) as unknown as typeof fetch;
    const api = new Api({ token: () => 'wsp_t', fetch: fetchFn });
    const file = new Blob(['CREATE TABLE t (id INT);'], { type: 'application/sql' });
    const task = await importDatabase(api, 'admin_shop', file);
    expect(sent[0].url).toBe('/api/v1/databases/admin_shop/import');
    expect(sent[0].init.method).toBe('POST');
    expect((sent[0].init.headers as Record<string, string>).Authorization).toBe('Bearer wsp_t');
    expect(sent[0].init.body).toBe(file);
    await expect(waitBackupTask(api, task.id, () => {}, 1)).rejects.toThrow('SQL error at line 4');
    expect(sent[1].url).toBe('/api/v1/backups/tasks/t3');
  });
  it('the import form asks for a file before sending anything', async () => {
    const db: Database = { id: 'admin_shop', name: 'admin_shop', user: 'admin_shop', owner: 'admin', domain: '', remote_access: false, remote_host: '', size_kb: 48, created_at: '2026-05-18T17:39:25+07:00' };
    const { root, calls } = await mount(h(ImportForm, { db, onDone: () => {} }));
    await submit(root);
    expect(calls).toHaveLength(0);
    expect(root.textContent).toContain('Choose a .sql or .sql.gz file');
  });
  it('sizes read as people read them', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(300 * 1024 * 1024)).toBe('300 MiB');
    expect(scriptedFetch([]).calls).toEqual([]);
  });
});
