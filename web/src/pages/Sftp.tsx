// SFTP beside FTP (issue 20, docs/sftp.md): connection details with the
// host key fingerprints to check on first connection, an account's SSH
// public keys, and the open FTP/SFTP sessions.
import type { FtpKey, FtpSession, FtpStatus } from '../api/types';
import { useApp, useLoad } from '../ui/context';
import { TextField, useForm, useRowErrors } from '../ui/form';
import { FormButtons, RowActions } from '../ui/crud';
import { Section } from '../ui/page';
import { ListTable } from '../ui/list_table';

// Host, port and fingerprints (what `sftp -P port user@host` will show).
export function SftpDetails({ status, username }: { status: FtpStatus; username?: string }) {
  const sftp = status.protocols?.sftp;
  if (!sftp?.enabled) return <p class="muted">SFTP is not offered by this server.</p>;
  const host = sftp.address === '0.0.0.0' || !sftp.address ? location.hostname : sftp.address;
  return (
    <div class="sftp-details">
      <p>
        <span class={`badge ${sftp.running ? 'up' : 'down'}`}>SFTP {sftp.running ? 'running' : 'stopped'}</span> host <code>{host}</code>, port <code>{sftp.port}</code>
        {username && (
          <>
            {' '}
            — <code>{`sftp -P ${sftp.port} ${username}@${host}`}</code>
          </>
        )}
      </p>
      <p class="muted">Check that the fingerprint your client shows on the first connection is one of these:</p>
      <ul>
        {sftp.host_keys.map((k) => (
          <li key={k.type}>
            {k.type}: <code>{k.fingerprint}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

const keyCheck = (v: string) => {
  const t = v.trim();
  if (!t) return 'Public key is required';
  if (t.includes('PRIVATE KEY')) return 'This is a private key: paste the .pub file instead';
  if (!/^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa) [A-Za-z0-9+/]+={0,2}( .*)?$/.test(t))
    return 'Paste one OpenSSH public key line (ssh-ed25519, ecdsa or ssh-rsa of at least 3072 bits)';
  return null;
};

// GET/POST /ftp/{id}/keys, DELETE /ftp/{id}/keys/{key_id}.
export function SftpKeys({ username, onClose }: { username: string; onClose?: () => unknown }) {
  const { api } = useApp();
  const list = useLoad(() => api.get<{ keys: FtpKey[]; total: number }>('/ftp/{id}/keys', { id: username }));
  const rows = useRowErrors();
  const form = useForm({
    public_key: { label: 'Public key', match: /public_key|key/i, checks: [keyCheck] },
  });
  const submit = form.submit(async (v) => {
    await api.post('/ftp/{id}/keys', { public_key: v.public_key.trim() }, { id: username });
    form.reset();
    await list.reload();
  });
  const remove = (k: FtpKey) =>
    rows.confirmed(String(k.id), `Remove the key ${k.fingerprint}?`, async () => {
      await api.del('/ftp/{id}/keys/{key_id}', { id: username, key_id: String(k.id) });
      await list.reload();
    });
  return (
    <Section focus onClose={onClose} title={`SSH keys of ${username}`}>
      <ListTable
        label="SSH keys"
        list={list}
        items={list.data ? list.data.keys : null}
        columns={['Type', 'Fingerprint', 'Comment', 'Actions']}
        row={(k) => (
          <tr key={k.id}>
            <td data-label="Type">
              {k.type} ({k.bits} bits)
            </td>
            <td data-label="Fingerprint">
              <code>{k.fingerprint}</code>
            </td>
            <td data-label="Comment">{k.comment}</td>
            <RowActions actions={[{ label: 'Remove', aria: `Remove key ${k.fingerprint}`, onClick: () => remove(k), danger: true }]} error={rows.errors[String(k.id)]} />
          </tr>
        )}
      />
      <form onSubmit={submit} noValidate>
        <TextField form={form} name="public_key" multiline hint="The contents of your ~/.ssh/id_ed25519.pub (ed25519, ecdsa, or RSA of at least 3072 bits)." />
        <FormButtons form={form} onCancel={onClose ? () => onClose() : undefined}>
          Add key
        </FormButtons>
      </form>
    </Section>
  );
}

// GET /ftp/sessions, DELETE /ftp/sessions/{id}.
export function FtpSessions() {
  const { api } = useApp();
  const list = useLoad(() => api.get<{ sessions: FtpSession[]; total: number }>('/ftp/sessions'));
  const rows = useRowErrors();
  const end = (s: FtpSession) =>
    rows.confirmed(s.id, `End the ${s.protocol.toUpperCase()} session of ${s.account} from ${s.client_ip}?`, async () => {
      await api.del('/ftp/sessions/{id}', { id: s.id });
      await list.reload();
    });
  return (
    <Section title="Open sessions">
      <ListTable
        label="Open FTP and SFTP sessions"
        list={list}
        items={list.data ? list.data.sessions : null}
        columns={['Account', 'Protocol', 'Client', 'Since', 'Doing', 'Actions']}
        row={(s) => (
          <tr key={s.id}>
            <td data-label="Account">{s.account}</td>
            <td data-label="Protocol">{s.protocol.toUpperCase()}</td>
            <td data-label="Client">{s.client_ip}</td>
            <td data-label="Since">{s.since}</td>
            <td data-label="Doing">{s.command}</td>
            <RowActions actions={[{ label: 'End', aria: `End session ${s.id} of ${s.account}`, onClick: () => end(s), danger: true }]} error={rows.errors[s.id]} />
          </tr>
        )}
      />
      <button type="button" onClick={() => list.reload()}>
        Refresh
      </button>
    </Section>
  );
}
