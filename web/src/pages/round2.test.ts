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
