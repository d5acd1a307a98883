// Issue 17's defects: suspending asks first, status words keep their word,
// customers are not offered admin-only scopes.
import { h } from 'preact';
import { describe, expect, it } from 'vitest';
import type { User } from '../api/types';
import { admin, click, mount } from '../test/harness';
import { Users } from './Users';
import { CreateKeyForm } from './ApiKeys';
import { statusTone } from '../ui/status';

const ann: User = { ...admin, username: 'ann', role: 'customer' as User['role'], home_dir: '/home/ann' };

describe('users', () => {
  it('asks before suspending; no sends nothing', async () => {
    const asked: string[] = [];
    window.confirm = (q?: string) => {
      asked.push(q ?? '');
      return false;
    };
    const { root, calls } = await mount(h(Users, {}), [
      { status: 200, body: [admin, { ...ann, status: 'active' }] },
      { status: 200, body: [] },
      { status: 200, body: [] },
    ]);
    const n = calls.length;
    const b = root.querySelector('button[aria-label="Suspend ann"]') as HTMLButtonElement;
    await click(b);
    expect(asked[0]).toMatch(/^Suspend ann\?/);
    expect(calls.length).toBe(n);
    expect(root.querySelector('td[data-label="Status"] .badge.good')!.textContent).toBe('active');
  });
});

describe('api keys', () => {
  it('offers a customer no admin-only scope', async () => {
    const { root } = await mount(h(CreateKeyForm, { username: 'ann', onCreated: () => {} }), [], ann);
    const scopes = [...root.querySelectorAll('input[name="permissions"]')].map((i) => (i as HTMLInputElement).value);
    expect(scopes).not.toContain('users');
    expect(scopes).toContain('files');
    expect((root.querySelector('input[name="name"]') as HTMLInputElement).placeholder).not.toMatch(/WHMCS/);
  });
  it('offers an admin every scope', async () => {
    const { root } = await mount(h(CreateKeyForm, { username: 'admin', onCreated: () => {} }));
    const scopes = [...root.querySelectorAll('input[name="permissions"]')].map((i) => (i as HTMLInputElement).value);
    expect(scopes).toContain('users');
  });
});

describe('status words', () => {
  it('colours good and bad words', () => {
    expect(statusTone('Suspended')).toBe('bad');
    expect(statusTone('enabled')).toBe('good');
    expect(statusTone('queued')).toBe('neutral');
  });
});

import { ResetPasswordForm } from './Databases';
import { inHome } from './Ftp';
import { field, submit, type } from '../test/harness';

describe('passwords and paths', () => {
  it('keeps a new database password on screen with Copy until the panel closes', async () => {
    let closed = false;
    const db = { id: '1', name: 'ann_shop', user: 'ann_shop', owner: 'ann', domain: '', remote_access: false, remote_host: '', size_kb: 0, created_at: '' };
    const { root } = await mount(h(ResetPasswordForm, { db, onDone: () => (closed = true) }), [{ status: 200, body: { message: 'ok' } }], ann);
    await type(field(root, 'New password'), 'a-long-password-1');
    await submit(root);
    expect(root.textContent).toContain('Password changed');
    expect((field(root, 'Password of ann_shop') as HTMLInputElement).value).toBe('a-long-password-1');
    expect(root.querySelector('button[aria-label="Copy password of ann_shop"]')).not.toBeNull();
    expect(closed).toBe(false);
  });
  it('shows a customer paths relative to her home', () => {
    expect(inHome('/home/ann/sites/a', '/home/ann')).toBe('sites/a');
    expect(inHome('/home/ann', '/home/ann/')).toBe('');
    expect(inHome('/home/annex/x', '/home/ann')).toBe('/home/annex/x');
  });
});

import { FtpDetails } from './Ftp';

describe('FTP connection details', () => {
  it('shows host, port and whether FTPS is required', async () => {
    const status = { installed: true, running: true, total_accounts: 1, protocols: { ftp: { running: true, address: '203.0.113.5', port: 2121, tls: true, tls_required: true }, sftp: { enabled: false, running: false, host_keys: [] } } };
    const { root } = await mount(h(FtpDetails, { status }));
    const text = root.textContent!;
    expect(text).toContain('Host203.0.113.5');
    expect(text).toContain('Port2121');
    expect(text).toContain('FTPS required');
  });
  it('shows nothing for a panel without the details', async () => {
    const { root } = await mount(h(FtpDetails, { status: { installed: true, running: true, total_accounts: 0, protocols: { ftp: { running: true }, sftp: { enabled: false, running: false, host_keys: [] } } } }));
    expect(root.textContent).toBe('');
  });
});
