// Component tests of account security (issue 19): the login's second
// factor, 2FA enrolment with the QR code and recovery codes shown once,
// sessions with revoke, re-authentication, the audit page's filters and
// paging, and the login-as banner.
import { h, render } from 'preact';
import { act } from 'preact/test-utils';
import { beforeEach, describe, expect, it } from 'vitest';
import { Api } from '../api/client';
import type { AuditPage, AuditRecord, SessionInfo } from '../api/types';
import { ImpersonationBanner } from '../app';
import { button, click, envelope, errorFor, field, mount, scriptedFetch, settle, submit, type } from '../test/harness';
import { Audit } from './Audit';
import { Login } from './Login';
import { ReauthForm, Sessions, TwoFactor } from './Security';

beforeEach(() => {
  window.confirm = () => true;
});

const user = { username: 'alice', email: 'a@example.com', role: 'user' as const, status: 'active' as const, creator: '', package: 'default', home_dir: '/h/alice', created_at: '2026-05-18T17:39:25+07:00' };

describe('Login with two-factor authentication', () => {
  it('asks for the code when the panel says requires_2fa, then sends totp_code', async () => {
    const net = scriptedFetch([
      { status: 200, body: { requires_2fa: true, message: 'Two-factor authentication required' } },
      { status: 200, body: { token: 'tok', user, expires_in: 86400 } },
    ]);
    const api = new Api({ fetch: net.fetch });
    const logged: string[] = [];
    const root = document.createElement('div');
    document.body.innerHTML = '';
    document.body.appendChild(root);
    await act(() => render(h(Login, { api, onLogin: (s) => logged.push(s.token) }), root));
    await type(field(root, 'Username'), 'alice');
    await type(field(root, 'Password'), 'secret-pw');
    await submit(root);
    expect(net.calls[0].body).toEqual({ username: 'alice', password: 'secret-pw' });
    expect(logged).toEqual([]);
    expect(root.textContent).toContain('Two-factor authentication required');
    // No code: refused before any request.
    await submit(root);
    expect(net.calls).toHaveLength(1);
    expect(errorFor(field(root, 'Authentication code'))).toContain('code');
    await type(field(root, 'Authentication code'), '123456');
    await submit(root);
    expect(net.calls[1].body).toEqual({ username: 'alice', password: 'secret-pw', totp_code: '123456' });
    expect(logged).toEqual(['tok']);
  });
  it('a wrong code lands on the code field', async () => {
    const net = scriptedFetch([
      { status: 200, body: { requires_2fa: true, message: 'Two-factor authentication required' } },
      envelope(401, 'UNAUTHORIZED', 'Invalid two-factor code'),
    ]);
    const api = new Api({ fetch: net.fetch });
    const root = document.createElement('div');
    document.body.innerHTML = '';
    document.body.appendChild(root);
    await act(() => render(h(Login, { api, onLogin: () => {} }), root));
    await type(field(root, 'Username'), 'alice');
    await type(field(root, 'Password'), 'pw');
    await submit(root);
    await type(field(root, 'Authentication code'), '000000');
    await submit(root);
    expect(errorFor(field(root, 'Authentication code'))).toBe('Invalid two-factor code');
  });
});

describe('Two-factor enrolment', () => {
  const off = { enabled: false, required: false, recovery_codes_remaining: 0 };
  it('shows the QR code and key, enables with a code, and shows the recovery codes once', async () => {
    const reloads: number[] = [];
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 29 29"></svg>';
    const codes = Array.from({ length: 10 }, (_, i) => `aaaa-bbbb-cccc-dd${i}${i}`);
    const { root, calls } = await mount(h(TwoFactor, { status: off, reload: () => reloads.push(1), onReauth: () => {} }), [
      { status: 200, body: { secret: 'JBSWY3DPEHPK3PXP', otpauth_uri: 'otpauth://totp/WisPanel:alice?secret=JBSWY3DPEHPK3PXP', qr_svg: svg } },
      envelope(400, 'VALIDATION_ERROR', 'Invalid code'),
      { status: 200, body: { message: 'on', recovery_codes: codes } },
    ]);
    await click(button(root, 'Set up two-factor authentication'));
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/v1/auth/2fa/setup' });
    const img = root.querySelector<HTMLImageElement>('img.qr')!;
    expect(img.getAttribute('alt')).toContain('QR code');
    expect(decodeURIComponent(img.src.replace('data:image/svg+xml;charset=utf-8,', ''))).toBe(svg);
    expect(root.textContent).toContain('JBSWY3DPEHPK3PXP');
    await type(field(root, 'Code from the app'), '111111');
    await submit(root);
    expect(errorFor(field(root, 'Code from the app'))).toBe('Invalid code');
    await type(field(root, 'Code from the app'), '222222');
    await submit(root);
    expect(calls[2]).toMatchObject({ method: 'POST', url: '/api/v1/auth/2fa/enable', body: { code: '222222' } });
    expect(root.querySelectorAll('.recovery-codes li')).toHaveLength(10);
    expect(root.textContent).toContain("won't be shown again");
    expect(reloads).toHaveLength(1);
    // Shown once: dismissed, they are gone for good.
    await click(button(root, 'I have saved them'));
    expect(root.querySelector('.recovery-codes')).toBeNull();
    expect(root.textContent).not.toContain(codes[0]);
  });
  it('turning it off asks for re-authentication when the panel says REAUTH_REQUIRED', async () => {
    const on = { enabled: true, required: false, recovery_codes_remaining: 9 };
    const asked: number[] = [];
    const { root, calls } = await mount(h(TwoFactor, { status: on, reload: () => {}, onReauth: () => asked.push(1) }), [envelope(403, 'REAUTH_REQUIRED', 'Re-authentication required: POST /auth/reauth with your password')]);
    expect(root.textContent).toContain('9 recovery codes left');
    await type(field(root, 'Code or recovery code'), 'aaaa-bbbb-cccc-dddd');
    await submit(root);
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/v1/auth/2fa/disable', body: { code: 'aaaa-bbbb-cccc-dddd' } });
    expect(asked).toHaveLength(1);
  });
  it('the re-authentication form posts the password (and code when given)', async () => {
    const done: number[] = [];
    const { root, calls } = await mount(h(ReauthForm, { onDone: () => done.push(1) }), [envelope(401, 'UNAUTHORIZED', 'Invalid credentials'), { status: 200, body: { message: 'Re-authenticated', reauth_expires_in: 300 } }]);
    await type(field(root, 'Your password'), 'wrong');
    await submit(root);
    expect(done).toHaveLength(0);
    await type(field(root, 'Your password'), 'right');
    await type(field(root, 'Two-factor code (if on)'), '123456');
    await submit(root);
    expect(calls[1]).toMatchObject({ method: 'POST', url: '/api/v1/auth/reauth', body: { password: 'right', totp_code: '123456' } });
    expect(done).toHaveLength(1);
  });
});

describe('Sessions', () => {
  const sessions: SessionInfo[] = [
    { id: 'aaaaaaaaaaaaaaaa', ip: '10.0.0.1', user_agent: 'Firefox', created_at: '2026-05-18T17:39:25+07:00', last_seen: '2026-05-18T17:40:25+07:00', expires_at: '2026-05-19T17:39:25+07:00', current: true, impersonated_by: null },
    { id: 'bbbbbbbbbbbbbbbb', ip: '203.0.113.9', user_agent: 'curl/8', created_at: '2026-05-18T10:00:00+07:00', last_seen: '2026-05-18T11:00:00+07:00', expires_at: '2026-05-19T10:00:00+07:00', current: false, impersonated_by: null },
  ];
  it('lists them, revokes another one, and never offers to revoke the current one', async () => {
    const { root, calls } = await mount(h(Sessions, {}), [{ status: 200, body: sessions }, { status: 200, body: { message: 'Session revoked' } }, { status: 200, body: [sessions[0]] }]);
    expect(root.textContent).toContain('this session');
    expect(root.textContent).toContain('curl/8');
    expect(root.querySelector('[aria-label^="Revoke session from 10.0.0.1"]')).toBeNull();
    await click(root.querySelector<HTMLButtonElement>('[aria-label^="Revoke session from 203.0.113.9"]')!);
    expect(calls[1]).toMatchObject({ method: 'DELETE', url: '/api/v1/auth/sessions/bbbbbbbbbbbbbbbb' });
    expect(root.textContent).not.toContain('curl/8');
  });
  it('logs out all other sessions', async () => {
    const { root, calls } = await mount(h(Sessions, {}), [{ status: 200, body: sessions }, { status: 200, body: { message: 'Other sessions revoked', revoked: 1 } }, { status: 200, body: [sessions[0]] }]);
    await click(button(root, 'Log out all other sessions'));
    expect(calls[1]).toMatchObject({ method: 'DELETE', url: '/api/v1/auth/sessions' });
    expect(root.textContent).toContain('1 other session(s) ended.');
  });
});

describe('Audit page', () => {
  const rec = (id: number) => ({ id, time: '2026-05-18T17:39:25+07:00', actor: 'admin', acting_as: id === 1 ? 'alice' : '', account: 'alice', credential: 'session:abcd', ip: '127.0.0.1', action: 'POST /api/v1/domains', target: '/api/v1/domains', result: 'ok' as AuditRecord['result'], status: 201, request_id: 'r1', repeats: 0 });
  const page = (items: ReturnType<typeof rec>[], total: number, n = 1): AuditPage => ({ items, total, page: n, per_page: 50 });
  it('loads the first page, filters (checked by the panel), and pages', async () => {
    const { root, calls } = await mount(h(Audit, {}), [
      { status: 200, body: page([rec(1), rec(2)], 120) },
      { status: 200, body: page([rec(1)], 1) }, // the filter check
      { status: 200, body: page([rec(1)], 1) },
    ]);
    expect(calls[0].url).toBe('/api/v1/audit?page=1&per_page=50');
    expect(root.textContent).toContain('as alice');
    expect(root.textContent).toContain('Page 1 of 3 (120 records)');
    await type(field(root, 'Action'), 'auth.');
    await type(field(root, 'From'), '2026-05-01');
    await submit(root);
    expect(calls[2].url).toBe('/api/v1/audit?action=auth.&from=2026-05-01&page=1&per_page=50');
  });
  it("a coalesced refusal shows how many more came that minute", async () => {
    const refused = { ...rec(3), action: 'auth.refused', result: 'denied' as AuditRecord['result'], status: 401, repeats: 57 };
    const { root } = await mount(h(Audit, {}), [{ status: 200, body: page([refused, rec(2)], 2) }]);
    expect(root.textContent).toContain('denied (401)');
    expect(root.textContent).toContain('57 more that minute');
    expect(root.querySelectorAll('.badge:not(.status)').length).toBe(1);
  });
  it('a bad time lands on its field', async () => {
    const { root } = await mount(h(Audit, {}), [{ status: 200, body: page([], 0) }, envelope(400, 'VALIDATION_ERROR', 'from must be Unix seconds, a date (YYYY-MM-DD) or an RFC 3339 time')]);
    await type(field(root, 'From'), 'yesterday');
    await submit(root);
    expect(errorFor(field(root, 'From'))).toContain('from must be');
  });
  it('next page asks for page 2', async () => {
    const { root, calls } = await mount(h(Audit, {}), [{ status: 200, body: page([rec(1)], 120) }, { status: 200, body: page([rec(2)], 120, 2) }]);
    await click(button(root, 'Older'));
    expect(calls[1].url).toBe('/api/v1/audit?page=2&per_page=50');
    await settle();
    expect(root.textContent).toContain('Page 2 of 3');
  });
});

describe('Login-as banner', () => {
  it('names both accounts and returns', async () => {
    const back: number[] = [];
    const root = document.createElement('div');
    document.body.innerHTML = '';
    document.body.appendChild(root);
    await act(() => render(h(ImpersonationBanner, { as: 'alice', by: 'admin', onReturn: () => back.push(1) }), root));
    expect(root.textContent).toContain('You are acting as alice (logged in as admin)');
    await click(button(root, 'Return to my account'));
    expect(back).toHaveLength(1);
  });
});

describe('Login history on the account page', () => {
  it('shows the last logins with address and result', async () => {
    const { Account } = await import('./Account');
    const rec = (id: number, result: 'ok' | 'failed', target: string) => ({ id, time: '2026-05-18T17:39:25+07:00', actor: 'admin', acting_as: '', account: 'admin', credential: '', ip: `10.0.0.${id}`, action: result === 'ok' ? 'auth.login' : 'auth.login_failed', target, result, status: result === 'ok' ? 200 : 401, request_id: 'r', repeats: 0 });
    const { root, calls } = await mount(h(Account, {}), [{ status: 200, body: [rec(1, 'ok', 'password'), rec(2, 'failed', 'second factor')] }]);
    expect(calls[0]).toMatchObject({ method: 'GET', url: '/api/v1/auth/login-history' });
    expect(root.textContent).toContain('Recent logins');
    expect(root.textContent).toContain('10.0.0.1');
    expect(root.textContent).toContain('Failed (second factor)');
  });
});

describe('Password change on a stale session', () => {
  it('REAUTH_REQUIRED opens the confirmation form', async () => {
    const { Account } = await import('./Account');
    const { root, calls } = await mount(h(Account, {}), [{ status: 200, body: [] }, envelope(403, 'REAUTH_REQUIRED', 'Re-authentication required: POST /auth/reauth with your password')]);
    await type(field(root, 'Current password'), 'the-old-password');
    await type(field(root, 'New password'), 'a-new-password');
    await type(field(root, 'Repeat the new password'), 'a-new-password');
    await submit(root);
    expect(calls[1]).toMatchObject({ method: 'PUT', url: '/api/v1/users/admin' });
    expect(root.textContent).toContain('Confirm it is you');
    expect(field(root, 'Your password')).toBeTruthy();
  });
});

describe('Users page: admin security actions', () => {
  it('resets another account\u2019s 2FA after asking', async () => {
    const { Users } = await import('./Users');
    const { root, calls } = await mount(h(Users, {}), [
      { status: 200, body: [user] },
      { status: 200, body: [] },
      { status: 200, body: [] },
      { status: 200, body: { message: 'Two-factor authentication reset' } },
    ]);
    const reset = root.querySelector<HTMLButtonElement>('[aria-label="Reset 2FA (two-factor authentication) of alice"]');
    expect(reset).not.toBeNull();
    await click(reset!);
    expect(calls.find((c) => c.method === 'DELETE')).toMatchObject({ url: '/api/v1/users/alice/2fa' });
  });
});
