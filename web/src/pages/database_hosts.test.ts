// The admin's Database hosts page (issue 21): the list with each host's
// health (a Galera cluster's nodes), adding a standalone host or a Galera
// cluster with the request the API documents, the panel's check message
// shown in place, enabling/disabling and removing.
import { h } from 'preact';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseHost } from '../api/types';
import { click, envelope, errorFor, field, mount, submit, type } from '../test/harness';
import { AddDatabaseHostForm, DatabaseHosts, describeHealth, parseNodes } from './DatabaseHosts';

beforeEach(() => {
  window.confirm = () => true;
});

const base = { admin_user: 'panel', client_host: '%', tls: false, max_databases: -1, enabled: true, databases: 0, created_at: '' };
const local: DatabaseHost = { ...base, id: 'local', name: 'local', kind: 'local', host: '', port: 0, up: true, health: [{ address: 'local', reachable: true, state: 'up', ready: true }] };
const galera: DatabaseHost = {
  ...base,
  id: 'ha',
  name: 'ha',
  kind: 'galera',
  host: '10.0.0.1',
  port: 3306,
  databases: 3,
  nodes: [{ host: '10.0.0.1', port: 3306 }, { host: '10.0.0.2', port: 3306 }],
  up: true,
  health: [
    { address: '10.0.0.1:3306', reachable: true, state: 'Synced', ready: true, cluster_size: 1, cluster_status: 'Primary' },
    { address: '10.0.0.2:3306', reachable: false, state: 'down', ready: false, cluster_size: 0, cluster_status: '' },
  ],
};

describe('Database hosts', () => {
  it('lists hosts with their health; local has no actions', async () => {
    const { root, calls } = await mount(h(DatabaseHosts, {}), [{ status: 200, body: [local, galera] }]);
    expect(calls[0]).toMatchObject({ method: 'GET', url: '/api/v1/database-hosts' });
    expect(root.textContent).toContain('10.0.0.2:3306 unreachable');
    expect(root.querySelector('[aria-label="Remove host local"]')).toBeNull();
    expect(root.querySelector('[aria-label="Remove host ha"]')).not.toBeNull();
    expect(describeHealth(galera)).toBe('up, cluster size 1: 10.0.0.1:3306 Synced, 10.0.0.2:3306 unreachable');
  });

  it('disables a host with PUT enabled:false', async () => {
    const { root, calls } = await mount(h(DatabaseHosts, {}), [{ status: 200, body: [local, galera] }, { status: 200, body: galera }, { status: 200, body: [local, galera] }]);
    await click(root.querySelector<HTMLButtonElement>('[aria-label="Disable ha"]')!);
    expect(calls[1]).toMatchObject({ method: 'PUT', url: '/api/v1/database-hosts/ha', body: { enabled: false } });
  });

  it('parses node lists', () => {
    expect(parseNodes('10.0.0.1:3307, db2')).toEqual([{ host: '10.0.0.1', port: 3307 }, { host: 'db2', port: 3306 }]);
  });

  it('adds a standalone host; the check message lands on the admin user', async () => {
    const { root, calls } = await mount(h(AddDatabaseHostForm, { onAdded: () => {} }), [envelope(400, 'VALIDATION_ERROR', 'Database host check failed: 127.0.0.1:3307: the admin account lacks CREATE USER ON *.*')]);
    await submit(root);
    expect(calls).toHaveLength(0);
    expect(errorFor(field(root, 'Name'))).toBe('Name is required');
    await type(field(root, 'Name'), 'db2');
    await type(field(root, 'Address'), '127.0.0.1:3307');
    await type(field(root, 'Admin user'), 'paneladm');
    await type(field(root, 'Admin password'), 'Secret-1');
    await submit(root);
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/v1/database-hosts', body: { name: 'db2', kind: 'mariadb', host: '127.0.0.1', port: 3307, admin_user: 'paneladm', admin_password: 'Secret-1', tls: false } });
    expect(errorFor(field(root, 'Admin user'))).toContain('lacks CREATE USER');
  });

  it('adds a Galera cluster with its nodes', async () => {
    const { root, calls } = await mount(h(AddDatabaseHostForm, { onAdded: () => {} }), [{ status: 201, body: galera }]);
    await type(field(root, 'Name'), 'ha');
    await click(root.querySelector<HTMLInputElement>('input[type="checkbox"]')!);
    await type(field(root, 'Address'), '10.0.0.1, 10.0.0.2:3307');
    await type(field(root, 'Admin user'), 'paneladm');
    await type(field(root, 'Admin password'), 'Secret-1');
    await type(field(root, 'Default for packages'), 'gold, silver');
    await submit(root);
    expect(calls[0].body).toMatchObject({ packages: ['gold', 'silver'] });
    expect(calls[0].body).toMatchObject({ kind: 'galera', nodes: [{ host: '10.0.0.1', port: 3306 }, { host: '10.0.0.2', port: 3307 }] });
    expect(calls[0].body).not.toHaveProperty('host');
  });
});
