// The "accounts are not isolated" banner (issue 14): admins only, and only
// when /health says so.
import { h } from 'preact';
import { describe, expect, it } from 'vitest';
import { admin, mount } from '../test/harness';
import { IsolationBanner } from './isolation';

const health = (extra: Record<string, unknown>) => ({ status: 200, body: { status: 'ok', version: '1.0.0', components: {}, ...extra } });
const user = { ...admin, username: 'alice', role: 'user' as const };

describe('isolation banner', () => {
  it('warns an admin when /health reports isolation none', async () => {
    const { root, calls } = await mount(h(IsolationBanner, {}), [health({ isolation: 'none' })]);
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/health']);
    const banner = root.querySelector('[role="alert"]');
    expect(banner?.textContent).toContain('Accounts are not isolated: the panel runs without root');
  });
  it('says nothing when accounts are isolated or the field is absent', async () => {
    for (const extra of [{ isolation: 'users' }, {}]) {
      const { root } = await mount(h(IsolationBanner, {}), [health(extra)]);
      expect(root.textContent).toBe('');
    }
  });
  it('says nothing when /health cannot be read', async () => {
    const { root } = await mount(h(IsolationBanner, {}), [{ status: 500, body: {} }]);
    expect(root.textContent).toBe('');
  });
  it('is not shown to (nor fetched for) a non-admin', async () => {
    const { root, calls } = await mount(h(IsolationBanner, {}), [health({ isolation: 'none' })], user);
    expect(calls).toHaveLength(0);
    expect(root.textContent).toBe('');
  });
});
