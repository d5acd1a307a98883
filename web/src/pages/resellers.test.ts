// The resellers page: the admin's list (allocation against what the
// customers' packages promise), its forms, and a reseller's dashboard.
import { h } from 'preact';
import { describe, expect, it } from 'vitest';
import type { Reseller, User } from '../api/types';
import { admin, envelope, errorFor, field, formError, mount, submit, type } from '../test/harness';
import { NAV } from '../app';
import { CreateResellerForm, ofLimit, Resellers, TransferForm } from './Resellers';

const reseller: User = { ...admin, username: 'rone', email: 'rone@example.com', role: 'reseller' };

const alloc = { max_users: 10, max_domains: 10, max_databases: 5, max_ftp_accounts: 10, max_cron_jobs: -1, disk_quota_mb: 10240 };
const rone: Reseller = {
  ...alloc,
  username: 'rone',
  email: 'rone@example.com',
  status: 'active',
  package: 'default',
  users_count: 2,
  allocated: { max_users: 2, max_domains: 2, max_databases: 5, max_ftp_accounts: 2, max_cron_jobs: -1, disk_quota_mb: 200 },
  created_at: '2026-05-18T17:39:25+07:00',
};

describe('resellers page (admin)', () => {
  it('lists each reseller with what is allocated of its limits', async () => {
    const { root, calls } = await mount(h(Resellers, {}), [{ status: 200, body: [rone] }]);
    expect(calls[0]).toMatchObject({ method: 'GET', url: '/api/v1/resellers' });
    const cells = [...root.querySelectorAll('tbody td')].map((td) => td.textContent);
    expect(cells).toContain('rone');
    expect(cells).toContain('2 / 10');
    expect(cells).toContain('5 / 5');
    expect(cells).toContain('unlimited / unlimited');
  });
  it('creates a reseller with the documented body, and shows the panel error by its field', async () => {
    const { root, calls } = await mount(h(CreateResellerForm, { onCreated: () => {} }), [
      envelope(409, 'CONFLICT', 'User already exists'),
    ]);
    await submit(root);
    expect(calls).toHaveLength(0);
    expect(errorFor(field(root, 'Username'))).toMatch(/username/i);
    await type(field(root, 'Username'), 'rtwo');
    await type(field(root, 'Email'), 'rtwo@example.com');
    await type(field(root, 'Password'), 'Passw0rd-rtwo');
    await submit(root);
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/v1/resellers', body: { username: 'rtwo', email: 'rtwo@example.com', password: 'Passw0rd-rtwo' } });
    expect(formError(root) ?? errorFor(field(root, 'Username'))).toBe('User already exists');
  });
  it('moves a user with the package only when given', async () => {
    const { root, calls } = await mount(h(TransferForm, { onDone: () => {} }), [{ status: 200, body: { success: true } }]);
    await type(field(root, 'User'), 'cust');
    await type(field(root, 'To (reseller or admin)'), 'rtwo');
    await submit(root);
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/v1/resellers/transfer-user', body: { username: 'cust', to: 'rtwo' } });
    expect(calls[0].body).not.toHaveProperty('package');
  });
});

describe('reseller dashboard', () => {
  it('shows usage against the allocation and the customers', async () => {
    const dash = {
      role: 'reseller',
      username: 'rone',
      usage: {
        users: { used: 2, allocated: 2, limit: 2 },
        databases: { used: 1, allocated: 4, limit: 5 },
      },
      customers: [{ username: 'cust', package: 'basic', usage: { domains: { used: 1, limit: 2 } } }],
    };
    const { root, calls } = await mount(h(Resellers, {}), [{ status: 200, body: dash }], reseller);
    expect(calls[0]).toMatchObject({ method: 'GET', url: '/api/v1/resellers/dashboard' });
    const text = root.textContent ?? '';
    expect(text).toContain('Reseller dashboard');
    expect(text).toContain('cust');
    expect(text).toContain('1 / 2');
    // A full item is marked.
    expect(root.querySelectorAll('tr.full')).toHaveLength(1);
  });
  it('the nav shows resellers their pages and not the admin-only ones', () => {
    const visible = NAV.filter((n) => !n.admin || n.reseller).map((n) => n.path);
    expect(visible).toContain('/resellers');
    expect(visible).toContain('/users');
  });
  it('writes limits as "used / limit" with unlimited spelled out', () => {
    expect(ofLimit(3, 10)).toBe('3 / 10');
    expect(ofLimit(-1, -1)).toBe('unlimited / unlimited');
  });
});
