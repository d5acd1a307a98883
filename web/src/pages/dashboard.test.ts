// The landing page for each role (issue 17).
import { h } from 'preact';
import { describe, expect, it } from 'vitest';
import type { User } from '../api/types';
import { admin, mount } from '../test/harness';
import { Dashboard, formatBytes } from './Dashboard';
import { NotFound } from './NotFound';
import { findPage, NAV } from '../app';

const ann: User = { ...admin, username: 'ann', role: 'customer' as User['role'], package: 'small', home_dir: '/home/ann' };

describe('dashboard', () => {
  it('shows a customer her usage against her limits, failures and logins', async () => {
    const { root, calls } = await mount(
      h(Dashboard, {}),
      [
        {
          status: 200,
          body: {
            username: 'ann',
            package: 'small',
            usage: {
              domains: { used: 2, limit: 2 },
              databases: { used: 1, limit: 5 },
              ftp_accounts: { used: 0, limit: -1 },
              cron_jobs: { used: 1, limit: 3 },
              disk_mb: { used: 90, limit: 100 },
            },
            near_limit: ['domains', 'disk_mb'],
            over_limit: [],
            recent_cron_failures: [{ run_id: 7, job_id: 3, owner: 'ann', name: 'backup', finished_at: '2026-05-18T17:39:25+07:00', exit_code: 3, timed_out: false }],
            recent_logins: [{ at: '2026-05-18T17:00:00+07:00', username: 'ann', ip: '127.0.0.1', result: 'failed', detail: 'password' }],
          },
        },
      ],
      ann,
    );
    expect(calls[0].url).toContain('/api/v1/users/ann/usage');
    const text = root.textContent!;
    expect(text).toContain('Domains2 of 2 (near the limit)');
    expect(text).toContain('FTP accounts0 of unlimited');
    expect(text).toContain('Disk (MB)90 of 100');
    expect(text).toContain('backup: exit code 3');
    expect(text).toContain('failed');
    expect(root.querySelectorAll('meter').length).toBe(4); // no bar for unlimited
    expect(root.querySelector('time')!.getAttribute('title')).toBe('2026-05-18T17:39:25+07:00');
  });

  it('shows an admin the machine, components, disks and biggest accounts', async () => {
    const { root, calls } = await mount(h(Dashboard, {}), [
      {
        status: 200,
        body: {
          accounts: { total: 3, active: 2, suspended: 1, admins: 1 },
          components: { store: 'up', mariadb: 'down' },
          versions: { wispanel: '1.2.3', mariadb: 'mariadbd Ver 11' },
          cpu: { cores: 2, load: [0.5, 0.25, 0.1] },
          memory: { total_bytes: 4 * 1024 ** 3, available_bytes: 1024 ** 3, panel_rss_bytes: 20 * 1024 ** 2 },
          uptime_s: 90061,
          disks: [{ mount: '/', type: 'ext4', total_bytes: 100 * 1024 ** 3, used_bytes: 50 * 1024 ** 3, free_bytes: 45 * 1024 ** 3 }],
          biggest_accounts: [{ username: 'ann', disk_bytes: 3 * 1024 ** 2 }],
          failed_logins: [],
          cron_failures: [],
        },
      },
    ]);
    expect(calls[0].url).toContain('/api/v1/system/stats');
    const text = root.textContent!;
    expect(text).toContain('mariadb: down');
    expect(text).toContain('mariadbd Ver 11');
    expect(text).toContain('0.50, 0.25, 0.10');
    expect(text).toContain('1 d 1 h');
    expect(text).toContain('/ (ext4)50 GB used of 100 GB, 45 GB free');
    expect(text).toContain('ann: 3.0 MB');
    expect(root.querySelector('.badge.bad')!.textContent).toBe('down');
  });

  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
  });
});

describe('routes', () => {
  it('opens the dashboard at / and nothing at an unknown address', () => {
    expect(NAV[0].label).toBe('Dashboard');
    expect(findPage(NAV, '/')!.label).toBe('Dashboard');
    expect(findPage(NAV, '/nope')).toBeUndefined();
    expect(findPage(NAV, '/files/x')!.label).toBe('Files');
    const customer = NAV.filter((n) => !n.admin);
    expect(findPage(customer, '/users')).toBeUndefined();
    expect(findPage(NAV, '/users')).toBeDefined();
  });
  it('says not found or not allowed', async () => {
    let r = await mount(h(NotFound, { forbidden: false }));
    expect(r.root.querySelector('h1')!.textContent).toBe('Not found');
    r = await mount(h(NotFound, { forbidden: true }));
    expect(r.root.querySelector('h1')!.textContent).toBe('Not allowed');
  });
});
