import { useState } from 'preact/hooks';
import { SCOPES, type ApiKey, type ApiKeyCreated, type Scope } from '../api/types';
import { useApp, useLoad } from '../ui/context';
import { TextField, useForm, useRowErrors } from '../ui/form';
import { FormButtons, RowActions } from '../ui/crud';
import { Page, Section, When } from '../ui/page';
import { ListTable } from '../ui/list_table';
import { Status } from '../ui/status';
import { ipList, maxLength, parseIpList, required } from '../validation';

const SCOPE_HELP: Record<Scope, string> = {
  all: 'everything you may do',
  read: 'every read (GET)',
  databases: 'databases',
  ftp: 'FTP accounts',
  cron: 'cron jobs',
  files: 'files',
  domains: 'domains',
  users: 'users',
  backups: 'backups and restores (not database export/import: databases)',
};

export function ApiKeys() {
  const { api, me } = useApp();
  const owner = { username: me.username };
  const keys = useLoad(() => api.get<ApiKey[]>('/users/{username}/api-keys', owner), [me.username]);
  const rows = useRowErrors();
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);

  const toggle = (k: ApiKey) =>
    rows.run(k.id, async () => {
      await api.put('/users/{username}/api-keys/{id}', { enabled: !k.enabled }, { ...owner, id: k.id });
      await keys.reload();
    });
  const revoke = (k: ApiKey) =>
    rows.confirmed(k.id, `Revoke the API key "${k.name}"? Clients using it stop working at once.`, async () => {
      await api.del('/users/{username}/api-keys/{id}', { ...owner, id: k.id });
      await keys.reload();
    });

  return (
    <Page title="API keys">
      {created && <SecretOnce created={created} onDone={() => setCreated(null)} />}
      <Section title="Your keys">
        <ListTable
          label="API keys"
          list={keys}
          items={keys.data}
          columns={['Name', 'Prefix', 'Scopes', 'Allowed IPs', 'Last used', 'Expires', 'State', 'Actions']}
          row={(k) => (
            <tr key={k.id}>
              <td data-label="Name">{k.name}</td>
              <td data-label="Prefix">
                <code>{k.key_prefix}</code>
              </td>
              <td data-label="Scopes">{k.permissions.join(', ')}</td>
              <td data-label="Allowed IPs">{k.ip_whitelist.length ? k.ip_whitelist.join(', ') : 'any'}</td>
              <td data-label="Last used">
                <When at={k.last_used} />
              </td>
              <td data-label="Expires">
                <When at={k.expires_at} />
              </td>
              <td data-label="State">
                <Status word={k.enabled ? 'enabled' : 'disabled'} />
              </td>
              <RowActions
                actions={[
                  { label: k.enabled ? 'Disable' : 'Enable', aria: `${k.enabled ? 'Disable' : 'Enable'} key ${k.name}`, onClick: () => toggle(k) },
                  { label: 'Revoke', aria: `Revoke key ${k.name}`, onClick: () => revoke(k), danger: true },
                ]}
                error={rows.errors[k.id]}
              />
            </tr>
          )}
        />
      </Section>
      <CreateKeyForm
        username={me.username}
        onCreated={async (c) => {
          setCreated(c);
          await keys.reload();
        }}
      />
    </Page>
  );
}

// Scopes only an admin's key can use (managing users): not offered to others.
export const ADMIN_SCOPES: Scope[] = ['users'];

export function CreateKeyForm({ username, onCreated }: { username: string; onCreated: (c: ApiKeyCreated) => void }) {
  const { api, me } = useApp();
  const isAdmin = me.role === 'admin';
  const offered = SCOPES.filter((s) => isAdmin || !ADMIN_SCOPES.includes(s));
  const [scopes, setScopes] = useState<Scope[]>(['read']);
  const [scopeError, setScopeError] = useState<string | null>(null);
  const form = useForm({
    name: { label: 'Name', checks: [required('Name'), maxLength('Name', 100)] },
    ip_whitelist: { label: 'Allowed IP addresses', checks: [ipList] },
    expires_in: {
      label: 'Expires after (days)',
      initial: '0',
      checks: [(v) => (/^\d+$/.test(v.trim()) && Number(v) <= 3650 ? null : 'expires_in must be between 0 and 3650 days')],
    },
  });
  const flip = (s: Scope) => {
    setScopeError(null);
    setScopes((old) => (old.includes(s) ? old.filter((x) => x !== s) : [...old, s]));
  };
  const submit = form.submit(async (v) => {
    const created = await api
      .post<ApiKeyCreated>(
        '/users/{username}/api-keys',
        { name: v.name.trim(), permissions: scopes, ip_whitelist: parseIpList(v.ip_whitelist), expires_in: Number(v.expires_in) },
        { username },
      )
      .catch((e) => {
        // Scope errors belong to the checkbox group, which is not a text field.
        if (/permissions|scope/i.test(String(e?.message))) {
          setScopeError(e.message);
          return null;
        }
        throw e;
      });
    if (!created) return;
    form.reset();
    setScopes(['read']);
    onCreated(created);
  });
  const onSubmit = (e: Event) => {
    e.preventDefault();
    const m = scopes.length === 0 ? 'permissions must name at least one scope' : null;
    setScopeError(m);
    if (!m) void submit();
  };
  return (
    <Section title="Create an API key">
      <form onSubmit={onSubmit} noValidate>
        <TextField form={form} name="name" placeholder={isAdmin ? 'WHMCS Provisioning' : 'Deploy script'} />
        <fieldset class="field" aria-describedby={scopeError ? 'scope-error' : undefined}>
          <legend>Scopes</legend>
          <div class="checks">
            {offered.map((s) => (
              <label key={s} class="check">
                <input type="checkbox" name="permissions" value={s} checked={scopes.includes(s)} onChange={() => flip(s)} />
                <span>
                  <strong>{s}</strong> <span class="muted">{SCOPE_HELP[s]}</span>
                </span>
              </label>
            ))}
          </div>
          {scopeError && (
            <p class="field-error" id="scope-error" role="alert">
              {scopeError}
            </p>
          )}
        </fieldset>
        <TextField
          form={form}
          name="ip_whitelist"
          multiline
          placeholder="203.0.113.7, 10.0.0.0/8"
          hint="IPs or CIDR ranges, separated by commas or new lines. Empty: any address."
        />
        <TextField form={form} name="expires_in" type="number" hint="0: never expires." />
        <FormButtons form={form}>Create key</FormButtons>
      </form>
    </Section>
  );
}

// The secret exists only in this response: show it once, with a copy button.
export function SecretOnce({ created, onDone }: { created: ApiKeyCreated; onDone: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.secret_key);
      setCopied('Copied to the clipboard.');
    } catch {
      const input = document.getElementById('new-secret') as HTMLInputElement | null;
      input?.select();
      setCopied('Selected: press Ctrl+C (or ⌘C) to copy.');
    }
  };
  return (
    <section class="card secret" role="region" aria-labelledby="secret-title">
      <h2 id="secret-title">Key "{created.key.name}" created</h2>
      <p>{created.message}</p>
      <label for="new-secret">Secret key</label>
      <div class="field-row">
        <input id="new-secret" readOnly value={created.secret_key} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" onClick={copy}>
          Copy
        </button>
      </div>
      <p role="status" class="ok">
        {copied}
      </p>
      <button type="button" class="primary" onClick={onDone}>
        I have saved it
      </button>
    </section>
  );
}
