// The Webhooks page (docs/integrations.md): client checks before any
// request, the create body, the secret shown once, test and deliveries.
import { h } from 'preact';
import { beforeEach, describe, expect, it } from 'vitest';
import { click, envelope, errorFor, field, mount, submit, type } from '../test/harness';
import { CreateWebhookForm, Webhooks, splitEvents, type Webhook } from './Webhooks';

beforeEach(() => {
  window.confirm = () => true;
});

const hook: Webhook = {
  id: '0123456789abcdef0123456789abcdef',
  owner: 'admin',
  url: 'https://billing.example.com/hook',
  events: ['domain.*'],
  secret: '<redacted>',
  enabled: true,
  created_at: '2026-05-18T17:39:25+07:00',
  last_fired_at: '0001-01-01T00:00:00Z',
  failure_count: 0,
};
const byAria = (root: HTMLElement, name: string) => {
  const b = root.querySelector<HTMLButtonElement>(`button[aria-label="${name}"]`);
  if (!b) throw new Error(`no button "${name}"`);
  return b;
};
const page = (data: unknown[]) => ({ status: 200, body: { success: true, data, meta: { total: data.length, per_page: 50, current_page: 1, last_page: 1 } } });

describe('Webhooks', () => {
  it('splits event patterns on commas and spaces', () => {
    expect(splitEvents(' user.created, domain.*  *')).toEqual(['user.created', 'domain.*', '*']);
  });
  it('refuses a non-http URL before any request; posts url and events; shows the secret once', async () => {
    const created = { ...hook, secret: 'ab'.repeat(32) };
    const { root, calls } = await mount(h(CreateWebhookForm, { onCreated: () => {} }), [{ status: 201, body: { success: true, data: created } }]);
    await type(field(root, 'URL'), 'ftp://x');
    await submit(root);
    expect(calls).toHaveLength(0);
    expect(errorFor(field(root, 'URL'))).toBe('scheme must be http or https');
    await type(field(root, 'URL'), 'https://billing.example.com/hook');
    await type(field(root, 'Events'), 'domain.*, user.created');
    await submit(root);
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/v1/webhooks', body: { url: 'https://billing.example.com/hook', events: ['domain.*', 'user.created'], enabled: true } });
    expect(root.textContent).toContain('ab'.repeat(32));
  });
  it('a refused address lands on the URL field', async () => {
    const { root } = await mount(h(CreateWebhookForm, { onCreated: () => {} }), [envelope(400, 'VALIDATION_ERROR', 'url resolves to a private, loopback or link-local address (127.0.0.1); refused unless webhooks.allow_private is set')]);
    await type(field(root, 'URL'), 'http://127.0.0.1/x');
    await submit(root);
    expect(errorFor(field(root, 'URL'))).toContain('refused unless webhooks.allow_private');
  });
  it('lists hooks, sends a test and shows the deliveries', async () => {
    const delivery = { id: 'd1', event: 'webhook.test', status: 'pending', attempts: 0, response_code: 0, duration_ms: 0, error: '', created_at: '2026-05-18T17:40:00+07:00' };
    const { root, calls } = await mount(h(Webhooks, {}), [page([hook]), { status: 202, body: { success: true, data: delivery } }, page([delivery])]);
    expect(root.textContent).toContain('https://billing.example.com/hook');
    await click(byAria(root, `Send a test to ${hook.url}`));
    expect(calls[1]).toMatchObject({ method: 'POST', url: `/api/v1/webhooks/${hook.id}/test` });
    expect(calls[2]).toMatchObject({ method: 'GET', url: `/api/v1/webhooks/${hook.id}/deliveries` });
    expect(root.textContent).toContain('webhook.test');
  });
  it('deletes after confirmation', async () => {
    const { root, calls } = await mount(h(Webhooks, {}), [page([hook]), { status: 200, body: { success: true, message: 'Webhook deleted' } }, page([])]);
    await click(byAria(root, `Delete webhook ${hook.url}`));
    expect(calls[1]).toMatchObject({ method: 'DELETE', url: `/api/v1/webhooks/${hook.id}` });
  });
});
