// SFTP parts of the FTP page (issue 20): connection details with the host
// key fingerprints, an account's SSH keys (checked before any request, the
// API's answer shown in place), and the open sessions.
import { h } from 'preact';
import { beforeEach, describe, expect, it } from 'vitest';
import type { FtpAccount, FtpStatus } from '../api/types';
import { button, click, envelope, errorFor, field, mount, submit, type } from '../test/harness';
import { EditFtpForm } from './Ftp';
import { FtpSessions, SftpDetails, SftpKeys } from './Sftp';

beforeEach(() => {
  window.confirm = () => true;
});

const status: FtpStatus = {
  installed: true,
  running: true,
  total_accounts: 1,
  protocols: {
    ftp: { running: true },
    sftp: {
      enabled: true,
      running: true,
      address: '127.0.0.1',
      port: 2222,
      host_keys: [
        { type: 'ssh-ed25519', fingerprint: 'SHA256:edEDed' },
        { type: 'ecdsa-sha2-nistp256', fingerprint: 'SHA256:ecECec' },
      ],
    },
  },
};

const edKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFN11i6b2oRQQGwvkaWUnPgeLgj0fskss2/uEkrd9J3X me@laptop';
const stored = { id: 4, type: 'ssh-ed25519', bits: 256, fingerprint: 'SHA256:abcDEF', comment: 'me@laptop', public_key: edKey, created_at: '' };

describe('SFTP connection details', () => {
  it('shows host, port, the sftp command and every host key fingerprint', async () => {
    const { root } = await mount(h(SftpDetails, { status, username: 'admin_deploy' }));
    expect(root.textContent).toContain('2222');
    expect(root.textContent).toContain('sftp -P 2222 admin_deploy@127.0.0.1');
    expect(root.textContent).toContain('SHA256:edEDed');
    expect(root.textContent).toContain('SHA256:ecECec');
  });
  it('says so when the server offers no SFTP', async () => {
    const off: FtpStatus = { ...status, protocols: { ftp: { running: true }, sftp: { enabled: false, running: false, host_keys: [] } } };
    const { root } = await mount(h(SftpDetails, { status: off }));
    expect(root.textContent).toContain('SFTP is not offered');
  });
});

describe('SSH keys of an account', () => {
  it('lists the keys with their fingerprints', async () => {
    const { root, calls } = await mount(h(SftpKeys, { username: 'admin_deploy' }), [{ status: 200, body: { keys: [stored], total: 1 } }]);
    expect(calls[0]).toMatchObject({ method: 'GET', url: '/api/v1/ftp/admin_deploy/keys' });
    expect(root.textContent).toContain('SHA256:abcDEF');
    expect(root.textContent).toContain('ssh-ed25519 (256 bits)');
  });
  it('a private key or garbage is refused before any request', async () => {
    const { root, calls } = await mount(h(SftpKeys, { username: 'admin_deploy' }), [{ status: 200, body: { keys: [], total: 0 } }]);
    await type(field(root, 'Public key'), '-----BEGIN OPENSSH PRIVATE KEY-----\nabc');
    await submit(root);
    expect(calls).toHaveLength(1);
    expect(errorFor(field(root, 'Public key'))).toContain('private key');
    await type(field(root, 'Public key'), 'hello');
    await submit(root);
    expect(calls).toHaveLength(1);
    expect(errorFor(field(root, 'Public key'))).toContain('OpenSSH public key');
  });
  it('POSTs the key; the API error lands on the field', async () => {
    const { root, calls } = await mount(h(SftpKeys, { username: 'admin_deploy' }), [
      { status: 200, body: { keys: [], total: 0 } },
      envelope(400, 'VALIDATION_ERROR', 'public_key: RSA keys must have at least 3072 bits (this one has 2048)'),
    ]);
    await type(field(root, 'Public key'), 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ me@old');
    await submit(root);
    expect(calls[1]).toMatchObject({ method: 'POST', url: '/api/v1/ftp/admin_deploy/keys', body: { public_key: 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ me@old' } });
    expect(errorFor(field(root, 'Public key'))).toContain('3072');
  });
  it('adds a key and reloads; removes one with DELETE', async () => {
    const { root, calls } = await mount(h(SftpKeys, { username: 'admin_deploy' }), [
      { status: 200, body: { keys: [], total: 0 } },
      { status: 201, body: stored },
      { status: 200, body: { keys: [stored], total: 1 } },
      { status: 200, body: { message: 'Key deleted successfully' } },
      { status: 200, body: { keys: [], total: 0 } },
    ]);
    await type(field(root, 'Public key'), edKey);
    await submit(root);
    expect(calls[1].body).toEqual({ public_key: edKey });
    expect(root.textContent).toContain('SHA256:abcDEF');
    await click(button(root, 'Remove'));
    expect(calls[3]).toMatchObject({ method: 'DELETE', url: '/api/v1/ftp/admin_deploy/keys/4' });
    expect(root.textContent).not.toContain('SHA256:abcDEF');
  });
});

describe('Open sessions', () => {
  it('lists FTP and SFTP sessions and ends one', async () => {
    const s = { id: '4242', account: 'admin_deploy', protocol: 'sftp', client_ip: '203.0.113.7', since: '2026-12-03T00:10:00+00:00', command: 'IDLE' };
    const { root, calls } = await mount(h(FtpSessions, {}), [
      { status: 200, body: { sessions: [s], total: 1 } },
      { status: 200, body: { message: 'Session ended successfully' } },
      { status: 200, body: { sessions: [], total: 0 } },
    ]);
    expect(root.textContent).toContain('203.0.113.7');
    expect(root.textContent).toContain('SFTP');
    await click(button(root, 'End'));
    expect(calls[1]).toMatchObject({ method: 'DELETE', url: '/api/v1/ftp/sessions/4242' });
    expect(root.textContent).not.toContain('203.0.113.7');
  });
});

describe('FTP edit: SFTP switches', () => {
  const ftp: FtpAccount = { username: 'admin_deploy', owner: 'admin', home_dir: '/srv/home/admin', quota_mb: 0, read_only: false, enabled: true, allowed_ips: [], domain: '', sftp: true, password_login: true, created_at: '' };
  it('sends only sftp / password_login when they change', async () => {
    const { root, calls } = await mount(h(EditFtpForm, { account: ftp, onDone: () => {} }), [{ status: 200, body: ftp }]);
    const boxes = [...root.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')];
    const sftpBox = boxes.find((b) => b.closest('label')?.textContent?.includes('SFTP allowed'))!;
    const pwBox = boxes.find((b) => b.closest('label')?.textContent?.includes('Password login'))!;
    await click(sftpBox);
    await click(pwBox);
    await submit(root);
    expect(calls[0]).toMatchObject({ method: 'PUT', url: '/api/v1/ftp/admin_deploy', body: { sftp: false, password_login: false } });
    expect(Object.keys(calls[0].body as object).sort()).toEqual(['password_login', 'sftp']);
  });
});
