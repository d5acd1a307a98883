// Component tests of the forms: client-side checks stop bad input before
// any request, the request carries what the panel expects, and every API
// error appears next to what caused it.
import { h } from 'preact';
import { describe, expect, it } from 'vitest';
import type { ApiKeyCreated } from '../api/types';
import { admin, button, click, envelope, errorFor, field, formError, mount, settle, submit, type } from '../test/harness';
import { Account } from './Account';
import { CreateKeyForm, SecretOnce } from './ApiKeys';
import { CreateCronForm, previewDelay } from './Cron';
import { CreateDatabaseForm, Databases } from './Databases';
import { CreateDomainForm, Domains } from './Domains';
import { Login } from './Login';
import { CreateUserForm, EditUserForm } from './Users';
import { act } from 'preact/test-utils';
import { Api } from '../api/client';
import { scriptedFetch } from '../test/harness';

const createdKey: ApiKeyCreated = {
  message: "API key created. Save the secret key now — it won't be shown again!",
  secret_key: 'wsp_56be4cb59e73761bed78686b6c0b37f3bebd929439c20d7d',
  key: {
    id: 'e24ff6f1754c2d9a',
    name: 'WHMCS',
    key_prefix: 'wsp_56be4cb5',
    permissions: ['domains', 'read'],
    ip_whitelist: [],
    last_used: '0001-01-01T00:00:00Z',
    created_at: '2026-05-18T17:39:25+07:00',
    expires_at: '0001-01-01T00:00:00Z',
    enabled: true,
  },
};

describe('Login', () => {
  async function mountLogin(replies: Parameters<typeof scriptedFetch>[0]) {
    const net = scriptedFetch(replies);
    const logins: unknown[] = [];
    const api = new Api({ fetch: net.fetch });
    const m = await mount(h(Login, { api, onLogin: (s) => logins.push(s) }));
    return { ...m, calls: net.calls, logins };
  }
  it('empty fields are caught before any request, each next to its field', async () => {
    const { root, calls } = await mountLogin([]);
    await submit(root);
    expect(calls).toHaveLength(0);
    const user = field(root, 'Username');
    expect(user.getAttribute('aria-invalid')).toBe('true');
    expect(errorFor(user)).toBe('Username is required');
    expect(errorFor(field(root, 'Password'))).toBe('Password is required');
    expect(document.activeElement).toBe(user);
  });
  it('wrong credentials: the panel message is shown on the form', async () => {
    const { root, calls, logins } = await mountLogin([envelope(401, 'UNAUTHORIZED', 'Invalid credentials')]);
    await type(field(root, 'Username'), 'admin');
    await type(field(root, 'Password'), 'wrong-password');
    await submit(root);
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/v1/auth/login', body: { username: 'admin', password: 'wrong-password' } });
    expect(formError(root)).toBe('Invalid credentials');
    expect(logins).toHaveLength(0);
  });
  it('success hands the token and user over', async () => {
    const { root, logins } = await mountLogin([{ status: 200, body: { token: 'wsp_s', user: { username: 'admin', role: 'admin' }, expires_in: 86400 } }]);
    await type(field(root, 'Username'), ' admin ');
    await type(field(root, 'Password'), 'secret-password');
    await submit(root);
    expect(logins).toEqual([{ token: 'wsp_s', user: { username: 'admin', role: 'admin' } }]);
  });
});

describe('Create API key', () => {
  it('a bad IP is refused before any request, next to the IP field', async () => {
    const { root, calls } = await mount(h(CreateKeyForm, { username: 'admin', onCreated: () => {} }));
    await type(field(root, 'Name'), 'ci');
    await type(field(root, 'Allowed IP addresses'), '10.0.0.0/8, 300.1.1.1');
    await submit(root);
    expect(calls).toHaveLength(0);
    expect(errorFor(field(root, 'Allowed IP addresses'))).toBe("'300.1.1.1' is not an IP address or CIDR range");
  });
  it('sends name, scopes, the IP list and expiry; hands the created key over', async () => {
    const created: ApiKeyCreated[] = [];
    const { root, calls } = await mount(h(CreateKeyForm, { username: 'admin', onCreated: (c) => created.push(c) }), [{ status: 201, body: createdKey }]);
    await type(field(root, 'Name'), 'WHMCS');
    const domains = root.querySelector<HTMLInputElement>('input[value="domains"]')!;
    await click(domains);
    await type(field(root, 'Allowed IP addresses'), '203.0.113.7\n10.0.0.0/8');
    await type(field(root, 'Expires after (days)'), '30');
    await submit(root);
    expect(calls[0]).toMatchObject({
      method: 'POST',
      url: '/api/v1/users/admin/api-keys',
      body: { name: 'WHMCS', permissions: ['read', 'domains'], ip_whitelist: ['203.0.113.7', '10.0.0.0/8'], expires_in: 30 },
    });
    expect(created[0].secret_key).toBe(createdKey.secret_key);
    expect(field(root, 'Name').value).toBe('');
  });
  it('no scope at all is refused on the scope group', async () => {
    const { root, calls } = await mount(h(CreateKeyForm, { username: 'admin', onCreated: () => {} }));
    await type(field(root, 'Name'), 'ci');
    await click(root.querySelector<HTMLInputElement>('input[value="read"]')!);
    await submit(root);
    expect(calls).toHaveLength(0);
    expect(root.querySelector('#scope-error')?.textContent).toBe('permissions must name at least one scope');
  });
  it('panel errors land on the field they name', async () => {
    const { root } = await mount(h(CreateKeyForm, { username: 'admin', onCreated: () => {} }), [
      envelope(400, 'VALIDATION_ERROR', "ip_whitelist: invalid address '10.0.0.1/40'"),
    ]);
    await type(field(root, 'Name'), 'ci');
    await submit(root);
    expect(errorFor(field(root, 'Allowed IP addresses'))).toBe("ip_whitelist: invalid address '10.0.0.1/40'");
    expect(formError(root)).toBeNull();
  });
  it('a scope the panel refuses is shown on the scope group', async () => {
    const { root } = await mount(h(CreateKeyForm, { username: 'admin', onCreated: () => {} }), [
      envelope(403, 'FORBIDDEN', 'A key cannot grant permissions its creator does not hold'),
    ]);
    await type(field(root, 'Name'), 'ci');
    await submit(root);
    expect(root.querySelector('#scope-error')?.textContent).toBe('A key cannot grant permissions its creator does not hold');
  });
});

describe('The secret is shown once', () => {
  it('shows the secret read-only with a working copy button', async () => {
    let copied = '';
    Object.defineProperty(navigator, 'clipboard', { value: { writeText: async (t: string) => void (copied = t) }, configurable: true });
    let done = 0;
    const { root } = await mount(h(SecretOnce, { created: createdKey, onDone: () => done++ }));
    const input = field(root, 'Secret key');
    expect(input.value).toBe(createdKey.secret_key);
    expect(input.readOnly).toBe(true);
    await click(button(root, 'Copy'));
    expect(copied).toBe(createdKey.secret_key);
    expect(root.textContent).toContain('Copied to the clipboard.');
    await click(button(root, 'I have saved it'));
    expect(done).toBe(1);
  });
});

describe('Create user', () => {
  async function fill(root: HTMLElement, over: Record<string, string> = {}) {
    const v = { Username: 'alice', Email: 'alice@example.com', Password: 'correct-horse', ...over };
    for (const [label, value] of Object.entries(v)) await type(field(root, label), value);
  }
  it('client checks: username, email and password rules', async () => {
    const { root, calls } = await mount(h(CreateUserForm, { onCreated: () => {} }));
    await fill(root, { Username: 'Alice_1', Email: 'nope', Password: 'short' });
    await submit(root);
    expect(calls).toHaveLength(0);
    expect(errorFor(field(root, 'Username'))).toMatch(/^Invalid username/);
    expect(errorFor(field(root, 'Email'))).toBe('Invalid email address');
    expect(errorFor(field(root, 'Password'))).toBe('Password must be at least 8 characters');
  });
  it('"User already exists" is shown next to the username', async () => {
    const { root, calls } = await mount(h(CreateUserForm, { onCreated: () => {} }), [envelope(409, 'CONFLICT', 'User already exists')]);
    await fill(root);
    await submit(root);
    expect(calls[0].body).toEqual({ username: 'alice', email: 'alice@example.com', password: 'correct-horse', role: 'user', package: 'default' });
    expect(errorFor(field(root, 'Username'))).toBe('User already exists');
  });
  it('an unknown package is shown next to the package', async () => {
    const { root } = await mount(h(CreateUserForm, { onCreated: () => {} }), [envelope(400, 'VALIDATION_ERROR', "Package 'gold' does not exist")]);
    await fill(root, { Package: 'gold' });
    await submit(root);
    expect(errorFor(field(root, 'Package'))).toBe("Package 'gold' does not exist");
  });
});

describe('Create domain', () => {
  it('refuses a malformed name before any request', async () => {
    const { root, calls } = await mount(h(CreateDomainForm, { isAdmin: false, onCreated: () => {} }));
    await type(field(root, 'Domain'), 'not a domain');
    await submit(root);
    expect(calls).toHaveLength(0);
    expect(errorFor(field(root, 'Domain'))).toMatch(/Invalid domain name/);
  });
  it('sends the lowercased name, the owner for an admin, and shows a conflict on the domain', async () => {
    const { root, calls } = await mount(h(CreateDomainForm, { isAdmin: true, onCreated: () => {} }), [envelope(409, 'CONFLICT', 'Domain already exists')]);
    await type(field(root, 'Domain'), 'Example.COM');
    await type(field(root, 'Owner'), 'alice');
    await submit(root);
    expect(calls[0].body).toEqual({ domain: 'example.com', owner: 'alice' });
    expect(errorFor(field(root, 'Domain'))).toBe('Domain already exists');
  });
  it('a limit reached is shown on the domain field it names', async () => {
    const { root } = await mount(h(CreateDomainForm, { isAdmin: false, onCreated: () => {} }), [envelope(403, 'FORBIDDEN', 'Domain limit reached (1)')]);
    await type(field(root, 'Domain'), 'example.org');
    await submit(root);
    expect(errorFor(field(root, 'Domain'))).toBe('Domain limit reached (1)');
  });
});

describe('Change password', () => {
  it('the two passwords must match, shown on the repeat field', async () => {
    // The page loads the login history first (GET /auth/login-history).
    const { root, calls } = await mount(h(Account, {}), [{ status: 200, body: [] }]);
    await type(field(root, 'Current password'), 'the-old-password');
    await type(field(root, 'New password'), 'a-new-password');
    await type(field(root, 'Repeat the new password'), 'another-one');
    await submit(root);
    expect(calls.filter((c) => c.method !== 'GET')).toHaveLength(0);
    expect(errorFor(field(root, 'Repeat the new password'))).toBe('The two passwords differ');
  });
  it('PUTs the new password to the caller itself', async () => {
    const { root, calls } = await mount(h(Account, {}), [{ status: 200, body: [] }, { status: 200, body: {} }]);
    await type(field(root, 'Current password'), 'the-old-password');
    await type(field(root, 'New password'), 'a-new-password');
    await type(field(root, 'Repeat the new password'), 'a-new-password');
    await submit(root);
    expect(calls[0]).toMatchObject({ method: 'GET', url: '/api/v1/auth/login-history' });
    expect(calls[1]).toMatchObject({ method: 'PUT', url: '/api/v1/users/admin', body: { current_password: 'the-old-password', password: 'a-new-password' } });
    expect(root.textContent).toContain('Password changed.');
  });
});

describe('Area forms (written against the seeds)', () => {
  it('database: invalid name refused; generator fills a valid password', async () => {
    const { root, calls } = await mount(h(CreateDatabaseForm, { owner: 'admin', onCreated: () => {} }), [{ status: 201, body: {} }]);
    await type(field(root, 'Database name'), 'my-db');
    await submit(root);
    expect(calls).toHaveLength(0);
    expect(errorFor(field(root, 'Database name'))).toMatch(/only letters, digits and _/);
    await type(field(root, 'Database name'), 'shop');
    await click(button(root, 'Generate'));
    await submit(root);
    expect(calls[0].url).toBe('/api/v1/databases');
    expect((calls[0].body as { password: string }).password).toHaveLength(20);
  });
  it("cron: an empty schedule is refused; the panel's reason for a bad one lands on the field", async () => {
    previewDelay.ms = 60_000; // no preview request among the scripted ones
    const reason = 'Invalid cron expression: expected 5 fields (minute hour day-of-month month day-of-week), got 4';
    const { root, calls } = await mount(h(CreateCronForm, { onCreated: () => {} }), [envelope(400, 'VALIDATION_ERROR', reason)]);
    await type(field(root, 'Name'), 'backup');
    await type(field(root, 'Schedule'), ' ');
    await type(field(root, 'Command'), 'true');
    await submit(root);
    expect(calls).toHaveLength(0);
    expect(errorFor(field(root, 'Schedule'))).toBe('Schedule is required');
    await type(field(root, 'Schedule'), '* * * *');
    await submit(root);
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/v1/cronjobs', body: { cron_expr: '* * * *' } });
    expect(errorFor(field(root, 'Schedule'))).toBe(reason);
  });
});

describe('Edit user (admin)', () => {
  const alice = { ...admin, username: 'alice', email: 'alice@example.com', role: 'user' as const };
  it('sends only what changed', async () => {
    const done: boolean[] = [];
    const { root, calls } = await mount(h(EditUserForm, { user: alice, onDone: (c: boolean) => done.push(c) }), [{ status: 200, body: alice }]);
    expect(field(root, 'Email').value).toBe('alice@example.com');
    await type(field(root, 'Email'), 'alice@example.org');
    await type(field(root, 'New password'), 'a-brand-new-one');
    await submit(root);
    expect(calls[0]).toMatchObject({ method: 'PUT', url: '/api/v1/users/alice', body: { email: 'alice@example.org', password: 'a-brand-new-one' } });
    expect(done).toEqual([true]);
  });
  it("another account's password needs no current password; the field is not even offered", async () => {
    const { root } = await mount(h(EditUserForm, { user: alice, onDone: () => {} }));
    expect(() => field(root, 'Current password')).toThrow();
  });
  it('an admin changing their own password here is asked for the current one', async () => {
    const { root, calls } = await mount(h(EditUserForm, { user: admin, onDone: () => {} }), [{ status: 200, body: admin }]);
    await type(field(root, 'New password'), 'a-brand-new-one');
    await submit(root);
    expect(calls).toHaveLength(0);
    expect(root.textContent).toContain('Current password is required to change your own password');
    await type(field(root, 'Current password'), 'the-old-one');
    await submit(root);
    expect(calls[0]).toMatchObject({ method: 'PUT', url: '/api/v1/users/admin', body: { password: 'a-brand-new-one', current_password: 'the-old-one' } });
  });
  it('nothing changed: no request', async () => {
    const done: boolean[] = [];
    const { root, calls } = await mount(h(EditUserForm, { user: alice, onDone: (c: boolean) => done.push(c) }));
    await submit(root);
    expect(calls).toHaveLength(0);
    expect(done).toEqual([false]);
  });
  it('the last admin cannot be demoted: the panel message is shown on the role', async () => {
    const { root } = await mount(h(EditUserForm, { user: admin, onDone: () => {} }), [
      envelope(409, 'CONFLICT', 'The last active admin cannot be removed or demoted'),
    ]);
    const role = field(root, 'Role') as unknown as HTMLSelectElement;
    await act(() => {
      role.value = 'user';
      role.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await submit(root);
    expect(root.querySelector('.field-error')?.textContent).toBe('The last active admin cannot be removed or demoted');
  });
});

describe('Cron preview', () => {
  const runs = ['2026-05-25T02:30:00Z', '2026-06-01T02:30:00Z', '2026-06-08T02:30:00Z', '2026-06-15T02:30:00Z', '2026-06-22T02:30:00Z'];
  it('asks the panel for the next runs once typing pauses, and shows its reason for a bad schedule', async () => {
    previewDelay.ms = 0;
    const { root, calls } = await mount(h(CreateCronForm, { onCreated: () => {} }), [
      { status: 200, body: { expression: '*/5 * * * *', next_runs: runs } }, // the initial schedule
      { status: 200, body: { expression: '30 2 * * mon', next_runs: runs } },
      envelope(400, 'VALIDATION_ERROR', 'Invalid cron expression: minute: 61 is out of range 0-59'),
    ]);
    const preview = root.querySelector('[aria-label="Schedule preview"]')!;
    await type(field(root, 'Schedule'), '30 2 * * mon');
    await settle();
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'GET /api/v1/cronjobs/preview?expression=*%2F5+*+*+*+*&count=5',
      'GET /api/v1/cronjobs/preview?expression=30+2+*+*+mon&count=5',
    ]);
    expect([...preview.querySelectorAll('.runs time')].map((t) => t.getAttribute('datetime'))).toEqual(runs);
    await type(field(root, 'Schedule'), '61 * * * *');
    await settle();
    expect(preview.textContent).toBe('Invalid cron expression: minute: 61 is out of range 0-59');
  });
  it('fast typing sends one request, for the last text', async () => {
    previewDelay.ms = 50;
    const { root, calls } = await mount(h(CreateCronForm, { onCreated: () => {} }), [{ status: 200, body: { expression: '0 3 * * *', next_runs: runs } }]);
    for (const text of ['0', '0 3', '0 3 * * *']) await type(field(root, 'Schedule'), text);
    await act(() => new Promise((r) => setTimeout(r, 120)));
    await settle();
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/cronjobs/preview?expression=0+3+*+*+*&count=5']);
    expect(root.querySelectorAll('.runs li')).toHaveLength(5);
  });
  it('an empty schedule asks nothing', async () => {
    previewDelay.ms = 0;
    const { root, calls } = await mount(h(CreateCronForm, { onCreated: () => {} }), [{ status: 200, body: { expression: '*/5 * * * *', next_runs: runs } }]);
    await type(field(root, 'Schedule'), '');
    await settle();
    expect(calls).toHaveLength(1); // the initial schedule's
    expect(root.querySelector('[aria-label="Schedule preview"]')!.textContent).toBe('Schedule is required');
  });
});

describe('Databases: Open phpMyAdmin', () => {
  const db = { id: 'admin_shop', name: 'admin_shop', user: 'admin_shop', owner: 'admin', domain: '', remote_access: false, remote_host: '', size_kb: 48, created_at: '2026-05-18T17:39:25+07:00' };
  // Records window.open's arguments; null is what a noopener open returns.
  function recordOpens() {
    const opened: unknown[][] = [];
    window.open = ((...args: unknown[]) => {
      opened.push(args);
      return null;
    }) as typeof window.open;
    return opened;
  }
  it('opens the single-use URL with noopener,noreferrer (issue 14)', async () => {
    const opened = recordOpens();
    const url = 'https://127.0.0.1:2083/pma/sso?t=abc';
    const { root, calls } = await mount(h(Databases, {}), [{ status: 200, body: [db] }, { status: 200, body: { url, token: 'abc' } }]);
    await click(button(root, 'phpMyAdmin'));
    expect(calls[1]).toMatchObject({ method: 'POST', url: '/api/v1/databases/admin_shop/phpmyadmin' });
    expect(opened).toHaveLength(1);
    expect(opened[0].slice(0, 2)).toEqual([url, '_blank']);
    expect(String(opened[0][2]).split(',').sort()).toEqual(['noopener', 'noreferrer']);
    expect(root.querySelector('.row-error')).toBeNull();
  });
  it('a failure opens no tab and shows the message on the row', async () => {
    const opened = recordOpens();
    const { root } = await mount(h(Databases, {}), [{ status: 200, body: [db] }, envelope(503, 'SERVICE_UNAVAILABLE', 'MariaDB is not running')]);
    await click(button(root, 'phpMyAdmin'));
    expect(opened).toHaveLength(0);
    expect(root.querySelector('.row-error')?.textContent).toBe('MariaDB is not running');
  });
});

describe('Long lists paginate', () => {
  it('25 rows a page, with Previous/Next', async () => {
    const domains = Array.from({ length: 30 }, (_, i) => ({ domain: `d${String(i).padStart(2, '0')}.example`, owner: 'admin', document_root: '/x', created_at: '2026-05-18T17:39:25+07:00' }));
    const { root } = await mount(h(Domains, {}), [{ status: 200, body: domains }]);
    expect(root.querySelectorAll('tbody tr')).toHaveLength(25);
    expect(root.textContent).toContain('Page 1 of 2 (30 items)');
    expect(button(root, 'Previous').disabled).toBe(true);
    await click(button(root, 'Next'));
    const rows = root.querySelectorAll('tbody tr');
    expect(rows).toHaveLength(5);
    expect(rows[0].textContent).toContain('d25.example');
    expect(button(root, 'Next').disabled).toBe(true);
  });
});
