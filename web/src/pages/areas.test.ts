// Component tests of the area forms grown in issue 9's second half:
// database remote access and password reset, FTP edit, cron edit / run
// history, packages. Client checks stop bad input before any request; the
// request carries what the API documents; panel errors land in place.
import { h } from 'preact';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CronJob, Database, FtpAccount, Package } from '../api/types';
import { button, click, envelope, errorFor, field, formError, mount, submit, type } from '../test/harness';
import { CronForm, CronRunLogs, previewDelay } from './Cron';
import { RemoteAccessForm, ResetPasswordForm } from './Databases';
import { AnonymousFtp, EditFtpForm } from './Ftp';
import { PackageForm, Packages } from './Packages';

beforeEach(() => {
  window.confirm = () => true;
  previewDelay.ms = 60_000; // the cron form's preview stays out of the scripted requests
});

const db: Database = { id: 'admin_shop', name: 'admin_shop', user: 'admin_shop', owner: 'admin', domain: '', remote_access: false, remote_host: '', size_kb: 48, created_at: '2026-05-18T17:39:25+07:00' };

describe('Database remote access', () => {
  it('on without a host is refused before any request', async () => {
    const { root, calls } = await mount(h(RemoteAccessForm, { db, onDone: () => {} }));
    await click(root.querySelector<HTMLInputElement>('input[type="checkbox"]')!);
    await submit(root);
    expect(calls).toHaveLength(0);
    expect(errorFor(field(root, 'Remote host'))).toBe('Remote host is required when remote access is on');
  });
  it('PUTs remote_access and remote_host; the panel message lands on the host', async () => {
    const { root, calls } = await mount(h(RemoteAccessForm, { db, onDone: () => {} }), [envelope(400, 'VALIDATION_ERROR', 'Invalid remote_host')]);
    await click(root.querySelector<HTMLInputElement>('input[type="checkbox"]')!);
    await type(field(root, 'Remote host'), '10.0.0.0/8');
    await submit(root);
    expect(calls[0]).toMatchObject({ method: 'PUT', url: '/api/v1/databases/admin_shop', body: { remote_access: true, remote_host: '10.0.0.0/8' } });
    expect(errorFor(field(root, 'Remote host'))).toBe('Invalid remote_host');
  });
  it('turning it off sends remote_access false only', async () => {
    const done: boolean[] = [];
    const on = { ...db, remote_access: true, remote_host: '%' };
    const { root, calls } = await mount(h(RemoteAccessForm, { db: on, onDone: (c: boolean) => done.push(c) }), [{ status: 200, body: db }]);
    await click(root.querySelector<HTMLInputElement>('input[type="checkbox"]')!);
    await submit(root);
    expect(calls[0].body).toEqual({ remote_access: false });
    expect(done).toEqual([true]);
  });
});

describe('Database password reset', () => {
  it('a short password is refused; the generator fills one that is sent', async () => {
    const { root, calls } = await mount(h(ResetPasswordForm, { db, onDone: () => {} }), [{ status: 200, body: { message: 'ok' } }]);
    await type(field(root, 'New password'), 'short');
    await submit(root);
    expect(calls).toHaveLength(0);
    expect(errorFor(field(root, 'New password'))).toBe('Password must be at least 8 characters');
    await click(button(root, 'Generate'));
    const pw = field(root, 'New password').value;
    expect(pw).toHaveLength(20);
    await submit(root);
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/v1/databases/admin_shop/reset-password', body: { password: pw } });
    expect(root.textContent).toContain('Password changed');
  });
});

const ftp: FtpAccount = { username: 'admin_deploy', owner: 'admin', home_dir: '/srv/home/admin', quota_mb: 0, read_only: false, enabled: true, allowed_ips: [], domain: '', created_at: '' };

describe('Edit FTP account', () => {
  it('sends only what changed', async () => {
    const { root, calls } = await mount(h(EditFtpForm, { account: ftp, onDone: () => {} }), [{ status: 200, body: ftp }]);
    await type(field(root, 'Quota (MB)'), '500');
    await type(field(root, 'Allowed IP addresses'), '203.0.113.7\n10.0.0.0/8');
    await click(root.querySelector<HTMLInputElement>('input[type="checkbox"]')!);
    await submit(root);
    expect(calls[0]).toMatchObject({ method: 'PUT', url: '/api/v1/ftp/admin_deploy', body: { quota_mb: 500, read_only: true, allowed_ips: ['203.0.113.7', '10.0.0.0/8'] } });
    expect(Object.keys(calls[0].body as object).sort()).toEqual(['allowed_ips', 'quota_mb', 'read_only']);
  });
  it('an opened edit form takes focus (its heading), so keyboard users land on it', async () => {
    await mount(h(EditFtpForm, { account: ftp, onDone: () => {} }));
    expect(document.activeElement?.tagName).toBe('H2');
    expect(document.activeElement?.textContent).toBe('Edit admin_deploy');
  });
  it('bad IPs, quota and home are refused in place', async () => {
    const { root, calls } = await mount(h(EditFtpForm, { account: ftp, onDone: () => {} }));
    await type(field(root, 'Allowed IP addresses'), '1.2.3.4, nope');
    await type(field(root, 'Quota (MB)'), '-3');
    await type(field(root, 'Home directory'), '/srv/home/admin/../x');
    await submit(root);
    expect(calls).toHaveLength(0);
    expect(errorFor(field(root, 'Allowed IP addresses'))).toBe("'nope' is not an IP address or CIDR range");
    expect(errorFor(field(root, 'Quota (MB)'))).toMatch(/whole number/);
    expect(errorFor(field(root, 'Home directory'))).toMatch(/\.\./);
  });
  it("the panel's message about the home lands on it", async () => {
    const { root } = await mount(h(EditFtpForm, { account: ftp, onDone: () => {} }), [envelope(400, 'VALIDATION_ERROR', 'home_dir must be inside your home')]);
    await type(field(root, 'Home directory'), '/etc');
    await submit(root);
    expect(errorFor(field(root, 'Home directory'))).toBe('home_dir must be inside your home');
  });
});

describe('Anonymous FTP per domain', () => {
  it('lists each domain with its setting and flips it', async () => {
    const { root, calls } = await mount(h(AnonymousFtp, {}), [
      { status: 200, body: [{ domain: 'example.com', owner: 'admin', document_root: '/x', created_at: '' }] },
      { status: 200, body: { domain: 'example.com', enabled: false, read_only: true, directory: '/h/web/example.com/pub' } },
      { status: 200, body: { domain: 'example.com', enabled: true, read_only: true, directory: '/h/web/example.com/pub' } },
      { status: 200, body: [{ domain: 'example.com', owner: 'admin', document_root: '/x', created_at: '' }] },
      { status: 200, body: { domain: 'example.com', enabled: true, read_only: true, directory: '/h/web/example.com/pub' } },
    ]);
    expect(root.textContent).toContain('/h/web/example.com/pub');
    await click(button(root, 'Turn on'));
    expect(calls[2]).toMatchObject({ method: 'PUT', url: '/api/v1/ftp/example.com/anonymous', body: { enabled: true } });
    expect(root.textContent).toContain('on (read only)');
  });
});

const job: CronJob = { id: 7, name: 'backup', command: 'tar czf b.tgz www', cron_expr: '0 3 * * *', domain: '', enabled: true, owner: 'admin', last_run_at: null, last_run_ok: null, next_run_at: null };

describe('Cron edit and runs', () => {
  it('edit sends only the changed fields with PUT', async () => {
    const { root, calls } = await mount(h(CronForm, { job, onDone: () => {} }), [{ status: 200, body: job }]);
    expect(field(root, 'Schedule').value).toBe('0 3 * * *');
    await type(field(root, 'Schedule'), '@hourly');
    await submit(root);
    expect(calls[0]).toMatchObject({ method: 'PUT', url: '/api/v1/cronjobs/7', body: { cron_expr: '@hourly' } });
    expect(Object.keys(calls[0].body as object)).toEqual(['cron_expr']);
  });
  it('create: timeout and mail options are checked and sent', async () => {
    const { root, calls } = await mount(h(CronForm, { onDone: () => {} }), [{ status: 201, body: job }]);
    await type(field(root, 'Name'), 'backup');
    await type(field(root, 'Command'), 'true');
    await type(field(root, 'Mail the output to'), 'not-an-address');
    await type(field(root, 'Timeout (seconds)'), '1.5');
    await submit(root);
    expect(calls).toHaveLength(0);
    expect(errorFor(field(root, 'Mail the output to'))).toBe('Invalid email address');
    expect(errorFor(field(root, 'Timeout (seconds)'))).toMatch(/whole number/);
    await type(field(root, 'Mail the output to'), 'ops@example.com');
    await type(field(root, 'Timeout (seconds)'), '600');
    await click(root.querySelector<HTMLInputElement>('details input[type="checkbox"]')!);
    await submit(root);
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/v1/cronjobs', body: { name: 'backup', command: 'true', cron_expr: '*/5 * * * *', timeout_sec: 600, email_on_complete: 'ops@example.com', email_on_error: true } });
  });
  it('a command with a NUL byte is refused', async () => {
    const { root, calls } = await mount(h(CronForm, { job, onDone: () => {} }));
    await type(field(root, 'Command'), 'echo a\0b');
    await submit(root);
    expect(calls).toHaveLength(0);
    expect(errorFor(field(root, 'Command'))).toBe('Command must be one line without NUL bytes');
  });
  it('the run history shows each run with its output', async () => {
    const logs = {
      total: 2,
      page: 1,
      per_page: 10,
      logs: [
        { id: 2, trigger: 'manual', status: 'finished', started_at: '2026-05-18T17:39:25Z', finished_at: '2026-05-18T17:39:26Z', duration_ms: 1200, exit_code: 0, timed_out: false, ok: true, output: 'hello from cron\n' },
        { id: 1, trigger: 'schedule', status: 'finished', started_at: '2026-05-18T16:39:25Z', finished_at: '2026-05-18T16:39:26Z', duration_ms: 10, exit_code: 2, timed_out: false, ok: false, output: '' },
      ],
    };
    const { root, calls } = await mount(h(CronRunLogs, { job, onClose: () => {} }), [{ status: 200, body: logs }]);
    expect(calls[0].url).toBe('/api/v1/cronjobs/7/logs?page=1&per_page=10');
    expect(root.querySelector('pre.output')?.textContent).toContain('hello from cron');
    expect(root.textContent).toContain('✓ ok');
    expect(root.textContent).toContain('exit code 2');
    expect(root.textContent).toContain('No output.');
  });
  it('a logs error is shown', async () => {
    const { root } = await mount(h(CronRunLogs, { job, onClose: () => {} }), [envelope(404, 'NOT_FOUND', 'Cron job not found')]);
    expect(root.querySelector('[role="alert"]')?.textContent).toBe('Cron job not found');
  });
});

const pkg: Package = { name: 'gold', max_domains: 10, max_databases: -1, max_ftp_accounts: 5, max_cron_jobs: 5, disk_quota_mb: 10240, max_backups_kept: -1, require_2fa: false, sftp: true, created_at: '' };

describe('Packages', () => {
  it('create: a bad name and a bad limit are refused before any request', async () => {
    const { root, calls } = await mount(h(PackageForm, { onDone: () => {} }));
    await type(field(root, 'Package name'), 'Gold Plan');
    await type(field(root, 'Domains'), '-5');
    await submit(root);
    expect(calls).toHaveLength(0);
    expect(errorFor(field(root, 'Package name'))).toMatch(/Invalid package name/);
    expect(errorFor(field(root, 'Domains'))).toBe('Domains must be a whole number (-1: unlimited)');
  });
  it('create POSTs the name and every limit; a duplicate is shown on the name', async () => {
    const { root, calls } = await mount(h(PackageForm, { onDone: () => {} }), [envelope(409, 'CONFLICT', 'Package already exists')]);
    await type(field(root, 'Package name'), 'gold');
    await type(field(root, 'Domains'), '10');
    await submit(root);
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/v1/packages', body: { name: 'gold', max_domains: 10, max_databases: -1, max_ftp_accounts: -1, max_cron_jobs: -1, disk_quota_mb: -1, require_2fa: false, sftp: true } });
    expect(errorFor(field(root, 'Package name'))).toBe('Package already exists');
  });
  it('edit PUTs only changed limits', async () => {
    const { root, calls } = await mount(h(PackageForm, { pkg, onDone: () => {} }), [{ status: 200, body: pkg }]);
    await type(field(root, 'FTP accounts'), '-1');
    await submit(root);
    expect(calls[0]).toMatchObject({ method: 'PUT', url: '/api/v1/packages/gold', body: { max_ftp_accounts: -1 } });
  });
  it('edit PUTs the 2FA and SFTP switches when changed, and the list shows them', async () => {
    const { root, calls } = await mount(h(PackageForm, { pkg, onDone: () => {} }), [{ status: 200, body: pkg }]);
    const boxes = root.querySelectorAll<HTMLInputElement>('input[type="checkbox"]');
    expect(boxes).toHaveLength(2);
    expect(boxes[0].checked).toBe(false);
    expect(boxes[1].checked).toBe(true);
    await click(boxes[0]);
    await click(boxes[1]);
    await submit(root);
    expect(calls[0]).toMatchObject({ method: 'PUT', url: '/api/v1/packages/gold', body: { require_2fa: true, sftp: false } });
    expect(Object.keys(calls[0].body as object).sort()).toEqual(['require_2fa', 'sftp']);
    const list = await mount(h(Packages, {}), [{ status: 200, body: [{ ...pkg, require_2fa: true, sftp: false }] }]);
    expect(list.root.textContent).toContain('required');
    expect(list.root.textContent).toContain('forbidden');
  });
  it('the list shows unlimited, and default cannot be deleted', async () => {
    const { root } = await mount(h(Packages, {}), [{ status: 200, body: [{ ...pkg, name: 'default' }, pkg] }]);
    expect(root.textContent).toContain('unlimited');
    expect(root.querySelector('[aria-label="Delete package default"]')).toBeNull();
    expect(root.querySelector('[aria-label="Delete package gold"]')).not.toBeNull();
  });
  it("a refused delete shows the panel's message on the row", async () => {
    const { root } = await mount(h(Packages, {}), [{ status: 200, body: [pkg] }, envelope(409, 'CONFLICT', 'Package is assigned to users')]);
    await click(root.querySelector<HTMLButtonElement>('[aria-label="Delete package gold"]')!);
    expect(root.querySelector('.row-error')?.textContent).toBe('Package is assigned to users');
    expect(formError(root)).toBeNull();
  });
});
