// The admin's at-a-glance view of accounts near or over their package's
// limits (the Users page's Limits column, from GET /usage).
import { h } from 'preact';
import { describe, expect, it } from 'vitest';
import { mount } from '../test/harness';
import { LimitsCell } from './Users';

const usage = (near: string[], over: string[]) => ({
  username: 'ann',
  package: 'small',
  usage: { domains: { used: 2, limit: 2 } },
  near_limit: near,
  over_limit: over,
});

describe('limits cell', () => {
  it('says ok when nothing is close to its limit', async () => {
    const { root } = await mount(h(LimitsCell, { usage: usage([], []) }));
    expect(root.textContent).toBe('ok');
  });
  it('names what is near and what is over', async () => {
    const { root } = await mount(h(LimitsCell, { usage: usage(['domains', 'cron_jobs'], ['domains']) }));
    expect(root.textContent).toBe('over: domains; near: cron jobs');
  });
  it('shows a dash while usage is unknown', async () => {
    const { root } = await mount(h(LimitsCell, { usage: undefined }));
    expect(root.textContent).toBe('–');
  });
});
