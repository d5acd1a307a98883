// Moving a database to another host (issue 21): the admin's "Move to host"
// action on the Databases page, its form (the hosts other than the current
// one, enabled), the task it starts and polls, and the failure shown.
import { h } from 'preact';
import { describe, expect, it } from 'vitest';
import type { Database, DatabaseHost } from '../api/types';
import { button, click, envelope, mount, settle, submit } from '../test/harness';
import { Databases, MoveDatabaseForm } from './Databases';

const db: Database = { id: 'alice_shop', name: 'alice_shop', user: 'alice_shop', owner: 'alice', domain: '', remote_access: false, remote_host: '', size_kb: 48, created_at: '2026-05-18T17:39:25+07:00', host: 'local' };
const base = { admin_user: 'panel', client_host: '%', tls: false, max_databases: -1, enabled: true, databases: 0, created_at: '' };
const hosts: DatabaseHost[] = [
  { ...base, id: 'local', name: 'local', kind: 'local', host: '', port: 0, up: true, health: [] },
  { ...base, id: 'db2', name: 'db2', kind: 'mariadb', host: '10.0.0.2', port: 3306, up: true, health: [] },
  { ...base, id: 'off', name: 'off', kind: 'mariadb', host: '10.0.0.3', port: 3306, up: true, health: [], enabled: false },
  { ...base, id: 'ha', name: 'ha', kind: 'galera', host: '10.0.0.4', port: 3306, up: false, health: [] },
];
const task = (status: string, extra: Record<string, unknown> = {}) => ({ id: 't9', kind: 'move', owner: 'alice', status, percent: 0, bytes_done: 0, bytes_total: 0, ...extra });

describe('Databases: move to another host', () => {
  it('admins see the host column and a Move to host action; customers do not', async () => {
    const { root } = await mount(h(Databases, {}), [{ status: 200, body: [{ ...db, host: 'db2' }] }]);
    expect(root.querySelector('[aria-label="Move alice_shop to another host"]')).not.toBeNull();
    expect(root.querySelector('td[data-label="Host"]')?.textContent).toBe('db2');
    const customer = { username: 'alice', role: 'user', email: 'a@example.com' } as never;
    const mine = await mount(h(Databases, {}), [{ status: 200, body: [db] }], customer);
    expect(mine.root.querySelector('[aria-label="Move alice_shop to another host"]')).toBeNull();
    expect(mine.root.querySelector('td[data-label="Host"]')).toBeNull();
  });

  it('offers the other enabled hosts, posts the move and polls its task', async () => {
    let finished = false;
    const { root, calls } = await mount(h(MoveDatabaseForm, { db, onDone: () => (finished = true) }), [
      { status: 200, body: hosts },
      { status: 202, body: task('queued') },
      { status: 200, body: task('done') },
    ]);
    expect(calls[0]).toMatchObject({ method: 'GET', url: '/api/v1/database-hosts' });
    const options = [...root.querySelectorAll('option')].map((o) => o.value);
    expect(options).toEqual(['db2', 'ha']); // not the current one, not a disabled one
    expect(root.textContent).toContain('ha (galera, down)');
    await submit(root);
    await settle();
    expect(calls[1]).toMatchObject({ method: 'POST', url: '/api/v1/databases/alice_shop/move', body: { host: 'db2' } });
    expect(calls[2]).toMatchObject({ method: 'GET', url: '/api/v1/backups/tasks/t9' });
    expect(finished).toBe(true);
  });

  it('a failed move shows the task error and stays open', async () => {
    let finished = false;
    const { root } = await mount(h(MoveDatabaseForm, { db, onDone: () => (finished = true) }), [
      { status: 200, body: hosts },
      { status: 202, body: task('queued') },
      { status: 200, body: task('failed', { error: { status: 409, code: 'CONFLICT', message: 'Database alice_shop already exists on host db2' } }) },
    ]);
    await submit(root);
    await settle();
    expect(root.querySelector('[role="alert"]')?.textContent).toBe('Database alice_shop already exists on host db2');
    expect(finished).toBe(false);
  });

  it('a refusal before any task (403, 404) is shown as it comes', async () => {
    const { root, calls } = await mount(h(MoveDatabaseForm, { db, onDone: () => {} }), [
      { status: 200, body: hosts },
      envelope(404, 'NOT_FOUND', 'Database host not found'),
    ]);
    await click(button(root, 'Move'));
    await settle();
    expect(calls).toHaveLength(2);
    expect(root.querySelector('[role="alert"]')?.textContent).toBe('Database host not found');
  });
});
