// Issue 17: a database's connection details (host, port, socket, database
// server), as a client needs them.
import { h, render } from 'preact';
import { act } from 'preact/test-utils';
import { describe, expect, it } from 'vitest';
import type { Database } from '../api/types';
import { DatabaseDetails } from './Databases';

const base: Database = { id: 'ann_shop', name: 'ann_shop', user: 'ann_shop', owner: 'ann', domain: '', remote_access: false, remote_host: '', size_kb: 0, created_at: '' };

async function facts(db: Database) {
  const root = document.createElement('div');
  document.body.innerHTML = '';
  document.body.appendChild(root);
  await act(() => render(h(DatabaseDetails, { db }), root));
  const out: Record<string, string> = {};
  root.querySelectorAll('dt').forEach((dt) => (out[dt.textContent ?? ''] = dt.nextElementSibling?.textContent ?? ''));
  return out;
}

describe('database connection details', () => {
  it('the local server: the socket for its programs, host and port for TCP', async () => {
    const f = await facts({ ...base, connection: { host: '127.0.0.1', port: 3307, socket: '/run/mysqld/mysqld.sock', database_host: 'local' } });
    expect(f.Host).toMatch(/^127\.0\.0\.1 \(TCP: from the hosts Remote access allows\)/);
    expect(f.Port).toBe('3307');
    expect(f.Socket).toMatch(/^\/run\/mysqld\/mysqld\.sock \(programs on this server/);
    expect(f.Database).toBe('ann_shop');
    expect(f.User).toBe('ann_shop');
    expect(f['Database server']).toBeUndefined();
  });
  it('a remote database host: its address and name, no socket', async () => {
    const f = await facts({ ...base, connection: { host: 'db2.example.net', port: 3306, socket: null, database_host: 'db2' } });
    expect(f.Host).toBe('db2.example.net');
    expect(f.Port).toBe('3306');
    expect(f.Socket).toBeUndefined();
    expect(f['Database server']).toBe('db2');
  });
});
