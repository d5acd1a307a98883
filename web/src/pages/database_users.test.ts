// The database users panel (issue 21): the list with the first user
// marked, adding a user with a named set or an explicit list, changing
// one, and dropping one; requests carry what docs/openapi/database_users.yaml
// documents and panel errors land in place.
import { h } from 'preact';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Database, DatabaseUser } from '../api/types';
import { button, click, envelope, errorFor, field, mount, submit, type } from '../test/harness';
import { AddDatabaseUserForm, DatabaseUsers, EditDatabaseUserForm } from './DatabaseUsers';

beforeEach(() => {
  window.confirm = () => true;
});

const db: Database = { id: 'john_shop', name: 'john_shop', user: 'john_shop', owner: 'john', domain: '', remote_access: false, remote_host: '', size_kb: 16, created_at: '2026-05-18T17:39:25Z' };
const users: DatabaseUser[] = [
  { user: 'john_shop', database: 'john_shop', primary: true, privileges: 'all', remote_host: null, created_at: '' },
  { user: 'john_reader', database: 'john_shop', primary: false, privileges: 'read', remote_host: '10.0.0.0/8', created_at: '' },
  { user: 'john_list', database: 'john_shop', primary: false, privileges: ['SELECT', 'INSERT'], remote_host: null, created_at: '' },
];

const select = async (root: HTMLElement, value: string) => {
  const s = root.querySelector<HTMLSelectElement>('select[aria-label="Privileges"]')!;
  s.value = value;
  s.dispatchEvent(new Event('change', { bubbles: true }));
  await new Promise((r) => setTimeout(r, 0));
};

describe('Database users', () => {
  it('lists the first user without actions, and the others with their sets', async () => {
    const { root, calls } = await mount(h(DatabaseUsers, { db, onClose: () => {} }), [{ status: 200, body: users }]);
    expect(calls[0]).toMatchObject({ method: 'GET', url: '/api/v1/databases/john_shop/users' });
    expect(root.textContent).toContain('(first user)');
    expect(root.textContent).toContain('SELECT, INSERT');
    expect(root.textContent).toContain('10.0.0.0/8');
    expect(root.querySelector('[aria-label="Delete user john_shop"]')).toBeNull();
    expect(root.querySelector('[aria-label="Delete user john_reader"]')).not.toBeNull();
  });

  it('deletes a user after confirmation and reloads', async () => {
    const { root, calls } = await mount(h(DatabaseUsers, { db, onClose: () => {} }), [
      { status: 200, body: users },
      { status: 200, body: { message: 'Database user deleted successfully' } },
      { status: 200, body: users.slice(0, 2) },
    ]);
    await click(root.querySelector<HTMLButtonElement>('[aria-label="Delete user john_list"]')!);
    expect(calls[1]).toMatchObject({ method: 'DELETE', url: '/api/v1/databases/john_shop/users/john_list' });
    expect(calls[2]).toMatchObject({ method: 'GET' });
  });

  it('a bad name is refused before any request; a named set is sent as a string', async () => {
    const { root, calls } = await mount(h(AddDatabaseUserForm, { db, onAdded: () => {} }), [{ status: 201, body: users[1] }]);
    await type(field(root, 'User name'), 'bad-name');
    await type(field(root, 'Password'), 'Str0ng-password');
    await submit(root);
    expect(calls).toHaveLength(0);
    expect(errorFor(field(root, 'User name'))).toContain('Invalid user name');
    await type(field(root, 'User name'), 'writer');
    await select(root, 'read_write');
    await submit(root);
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/v1/databases/john_shop/users', body: { user: 'writer', password: 'Str0ng-password', privileges: 'read_write' } });
    expect(calls[0].body).not.toHaveProperty('remote_host');
  });

  it('an explicit list is sent as an array; the limit message is shown', async () => {
    const { root, calls } = await mount(h(AddDatabaseUserForm, { db, onAdded: () => {} }), [envelope(403, 'FORBIDDEN', 'Database user limit reached (2)')]);
    await type(field(root, 'User name'), 'lister');
    await type(field(root, 'Password'), 'Str0ng-password');
    await type(field(root, 'Remote host'), '192.168.1.%');
    await select(root, 'custom');
    await click(root.querySelector<HTMLInputElement>('input[aria-label="INSERT"]')!);
    await submit(root);
    expect(calls[0].body).toEqual({ user: 'lister', password: 'Str0ng-password', privileges: ['SELECT', 'INSERT'], remote_host: '192.168.1.%' });
    expect(root.textContent).toContain('Database user limit reached (2)');
  });

  it('changing a user PUTs its set, remote host (null to remove) and an optional password', async () => {
    const done: boolean[] = [];
    const { root, calls } = await mount(h(EditDatabaseUserForm, { db, user: users[1], onDone: (c: boolean) => done.push(c) }), [{ status: 200, body: users[1] }]);
    expect(field(root, 'Remote host').value).toBe('10.0.0.0/8');
    await type(field(root, 'Remote host'), '');
    await select(root, 'all');
    await submit(root);
    expect(calls[0]).toMatchObject({ method: 'PUT', url: '/api/v1/databases/john_shop/users/john_reader', body: { privileges: 'all', remote_host: null } });
    expect(calls[0].body).not.toHaveProperty('password');
    expect(done).toEqual([true]);
  });

  it('a short new password is refused before any request', async () => {
    const { root, calls } = await mount(h(EditDatabaseUserForm, { db, user: users[1], onDone: () => {} }));
    await type(field(root, 'New password'), 'short');
    await submit(root);
    expect(calls).toHaveLength(0);
    expect(errorFor(field(root, 'New password'))).toBe('Password must be at least 8 characters');
    expect(button(root, 'Save user')).toBeTruthy();
  });
});
