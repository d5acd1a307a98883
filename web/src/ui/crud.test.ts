// The list pages' shared skeleton (issue 15), through a real page: the
// Actions cell, the edit panel (open, Cancel, Save then reload), and
// confirmation before a destructive action.
import { h } from 'preact';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Package } from '../api/types';
import { Packages } from '../pages/Packages';
import { button, click, envelope, field, mount, submit, type } from '../test/harness';

const gold: Package = { name: 'gold', max_domains: 10, max_databases: -1, max_ftp_accounts: 5, max_cron_jobs: 5, disk_quota_mb: 10240, max_backups_kept: -1, require_2fa: false, sftp: true, created_at: '' };
const actionsOf = (root: HTMLElement, row: number) => [...root.querySelectorAll('tbody tr')[row].querySelectorAll<HTMLButtonElement>('td.actions button')];

beforeEach(() => {
  window.confirm = () => true;
});

describe('RowActions', () => {
  it('one labelled button per action, destructive ones marked, left-out ones absent', async () => {
    const { root } = await mount(h(Packages, {}), [{ status: 200, body: [{ ...gold, name: 'default' }, gold] }]);
    expect(actionsOf(root, 0).map((b) => b.getAttribute('aria-label'))).toEqual(['Edit package default']);
    const gold_ = actionsOf(root, 1);
    expect(gold_.map((b) => [b.textContent, b.getAttribute('aria-label'), b.className, b.type])).toEqual([
      ['Edit', 'Edit package gold', '', 'button'],
      ['Delete', 'Delete package gold', 'danger', 'button'],
    ]);
    expect(root.querySelector('tbody tr td.actions')?.getAttribute('data-label')).toBe('Actions');
  });
  it('a declined confirmation sends nothing; an error stays on its row', async () => {
    const { root, calls } = await mount(h(Packages, {}), [{ status: 200, body: [gold] }, envelope(409, 'CONFLICT', 'Package is assigned to users')]);
    window.confirm = () => false;
    await click(actionsOf(root, 0)[1] as HTMLButtonElement);
    expect(calls).toHaveLength(1);
    window.confirm = () => true;
    await click(actionsOf(root, 0)[1] as HTMLButtonElement);
    expect(calls[1]).toMatchObject({ method: 'DELETE', url: '/api/v1/packages/gold' });
    expect(root.querySelector('tbody tr .row-error')?.getAttribute('role')).toBe('alert');
    expect(root.querySelector('tbody tr .row-error')?.textContent).toBe('Package is assigned to users');
  });
});

describe('useEditor', () => {
  it('Edit opens the panel with focus on its heading; Cancel closes it without a request', async () => {
    const { root, calls } = await mount(h(Packages, {}), [{ status: 200, body: [gold] }]);
    await click(actionsOf(root, 0)[0] as HTMLButtonElement);
    const heading = [...root.querySelectorAll('h2')].find((x) => x.textContent === 'Edit package gold');
    expect(heading).toBeTruthy();
    expect(document.activeElement).toBe(heading);
    await click(button(root, 'Cancel'));
    expect([...root.querySelectorAll('h2')].some((x) => x.textContent === 'Edit package gold')).toBe(false);
    expect(calls).toHaveLength(1);
  });
  it('Save sends the change, closes the panel and reloads the list', async () => {
    const { root, calls } = await mount(h(Packages, {}), [
      { status: 200, body: [gold] },
      { status: 200, body: { ...gold, max_domains: 20 } },
      { status: 200, body: [{ ...gold, max_domains: 20 }] },
    ]);
    await click(actionsOf(root, 0)[0] as HTMLButtonElement);
    const panel = [...root.querySelectorAll('section.card')].find((s) => s.querySelector('h2')?.textContent === 'Edit package gold') as HTMLElement;
    await type(field(panel, 'Domains'), '20');
    await submit(panel);
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(['GET /api/v1/packages', 'PUT /api/v1/packages/gold', 'GET /api/v1/packages']);
    expect([...root.querySelectorAll('h2')].some((x) => x.textContent === 'Edit package gold')).toBe(false);
    expect(root.querySelector('tbody tr')?.textContent).toContain('20');
  });
});
