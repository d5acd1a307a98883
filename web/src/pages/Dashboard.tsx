// The landing page (issue 17): a customer sees what the account uses of its
// package (bars against limits), recent cron failures and logins
// (GET /users/{me}/usage); an admin sees the machine and every account at a
// glance (GET /system/stats).
import { Fragment } from 'preact';
import type { CronFailure, LoginAttempt, SystemStats, UserUsage } from '../api/types';
import { useApp, useLoad } from '../ui/context';
import { LoadState, Page, Section, When } from '../ui/page';
import { Status } from '../ui/status';
import { ResellerDashboardPage } from './Resellers';

const ITEMS: [string, string][] = [
  ['domains', 'Domains'],
  ['databases', 'Databases'],
  ['ftp_accounts', 'FTP accounts'],
  ['cron_jobs', 'Cron jobs'],
  ['disk_mb', 'Disk (MB)'],
];

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v >= 10 ? 0 : 1)} ${units[i]}`;
}

export function formatUptime(s: number): string {
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${m} min` : `${m} min`;
}

// A labelled bar: the figure in words beside it, so the bar is not the only
// signal. `limit` -1 is unlimited (no bar).
export function UsageBar({ label, used, limit, text }: { label: string; used: number; limit: number; text?: string }) {
  const unlimited = limit < 0;
  const pct = unlimited || limit === 0 ? (used > 0 && limit === 0 ? 100 : 0) : Math.min(100, Math.round((used / limit) * 100));
  const tone = !unlimited && used > limit ? 'over' : !unlimited && pct >= 80 ? 'near' : 'fine';
  const words = text ?? (unlimited ? `${used} of unlimited` : `${used} of ${limit}`);
  return (
    <div class="usage">
      <span class="usage-label">{label}</span>
      <span class="usage-figure">
        {words}
        {tone === 'over' && <strong> (over the limit)</strong>}
        {tone === 'near' && <span> (near the limit)</span>}
      </span>
      {!unlimited && <meter class={`bar ${tone}`} min={0} max={100} low={80} high={99} optimum={0} value={pct} aria-label={`${label}: ${pct} %`} />}
    </div>
  );
}

export function CronFailures({ items, owner }: { items: CronFailure[]; owner?: boolean }) {
  if (items.length === 0) return <p class="muted">No failed runs.</p>;
  return (
    <ul class="plain-list">
      {items.map((f) => (
        <li key={f.run_id}>
          <strong>{f.name || `job ${f.job_id}`}</strong>
          {owner && <span class="muted"> ({f.owner})</span>}: {f.timed_out ? 'timed out' : `exit code ${f.exit_code ?? '?'}`}, <When at={f.finished_at} />
        </li>
      ))}
    </ul>
  );
}

export function Logins({ items, who }: { items: LoginAttempt[]; who?: boolean }) {
  if (items.length === 0) return <p class="muted">None.</p>;
  return (
    <ul class="plain-list">
      {items.map((l, i) => (
        <li key={`${l.at}-${i}`}>
          <Status word={l.result} /> {who && <strong>{l.username} </strong>}
          <When at={l.at} /> from <code>{l.ip || 'unknown'}</code>
          {l.detail && <span class="muted"> ({l.detail})</span>}
        </li>
      ))}
    </ul>
  );
}

function CustomerDashboard() {
  const { api, me } = useApp();
  const u = useLoad(() => api.get<UserUsage>('/users/{username}/usage', { username: me.username }));
  return (
    <>
      <Section title={`Your package: ${u.data?.package ?? me.package}`}>
        <LoadState loading={u.loading} error={u.error} />
        {u.data &&
          ITEMS.map(([key, label]) => {
            const it = u.data!.usage?.[key];
            return it ? <UsageBar key={key} label={label} used={it.used} limit={it.limit} /> : null;
          })}
      </Section>
      {u.data && (
        <>
          <Section title="Recent cron failures">
            <CronFailures items={u.data.recent_cron_failures ?? []} />
          </Section>
          <Section title="Recent logins">
            <Logins items={u.data.recent_logins ?? []} />
          </Section>
        </>
      )}
    </>
  );
}

function AdminDashboard() {
  const { api } = useApp();
  const s = useLoad(() => api.get<SystemStats>('/system/stats'));
  const d = s.data;
  return (
    <>
      <LoadState loading={s.loading} error={s.error} />
      {d && (
        <>
          <Section title="Accounts">
            <dl class="facts">
              <dt>Total</dt>
              <dd>{d.accounts.total}</dd>
              <dt>Active</dt>
              <dd>{d.accounts.active}</dd>
              <dt>Suspended</dt>
              <dd>{d.accounts.suspended}</dd>
              <dt>Admins</dt>
              <dd>{d.accounts.admins}</dd>
            </dl>
          </Section>
          <Section title="Components">
            <ul class="plain-list">
              {Object.entries(d.components).map(([name, state]) => (
                <li key={name}>
                  {name}: <Status word={state} />
                </li>
              ))}
            </ul>
            <h3>Versions</h3>
            <dl class="facts">
              {Object.entries(d.versions).map(([name, v]) => (
                <Fragment key={name}>
                  <dt>{name}</dt>
                  <dd>{v}</dd>
                </Fragment>
              ))}
            </dl>
          </Section>
          <Section title="Machine">
            <dl class="facts">
              <dt>CPU cores</dt>
              <dd>{d.cpu.cores}</dd>
              <dt>Load (1, 5, 15 min)</dt>
              <dd>{d.cpu.load.map((x) => x.toFixed(2)).join(', ')}</dd>
              <dt>Uptime</dt>
              <dd>{formatUptime(d.uptime_s)}</dd>
              <dt>Panel memory</dt>
              <dd>{formatBytes(d.memory.panel_rss_bytes)}</dd>
            </dl>
            <UsageBar
              label="Memory"
              used={d.memory.total_bytes - d.memory.available_bytes}
              limit={d.memory.total_bytes}
              text={`${formatBytes(d.memory.total_bytes - d.memory.available_bytes)} used of ${formatBytes(d.memory.total_bytes)}`}
            />
          </Section>
          <Section title="Disks">
            {d.disks.length === 0 && <p class="muted">No file systems found.</p>}
            {d.disks.map((x) => (
              <UsageBar
                key={x.mount}
                label={`${x.mount} (${x.type})`}
                used={x.used_bytes}
                limit={x.total_bytes}
                text={`${formatBytes(x.used_bytes)} used of ${formatBytes(x.total_bytes)}, ${formatBytes(x.free_bytes)} free`}
              />
            ))}
          </Section>
          <Section title="Biggest accounts">
            {d.biggest_accounts.length === 0 ? (
              <p class="muted">No accounts measured yet.</p>
            ) : (
              <ol class="plain-list">
                {d.biggest_accounts.map((a) => (
                  <li key={a.username}>
                    <strong>{a.username}</strong>: {formatBytes(a.disk_bytes)}
                  </li>
                ))}
              </ol>
            )}
          </Section>
          <Section title="Failed logins">
            <Logins items={d.failed_logins} who />
          </Section>
          <Section title="Cron failures">
            <CronFailures items={d.cron_failures} owner />
          </Section>
          <button type="button" onClick={() => void s.reload()}>
            Refresh
          </button>
        </>
      )}
    </>
  );
}

export function Dashboard() {
  const { me } = useApp();
  // A reseller's overview is its allocation and customers (GET /resellers/dashboard).
  if (me.role === 'reseller') return <ResellerDashboardPage />;
  return <Page title="Dashboard">{me.role === 'admin' ? <AdminDashboard /> : <CustomerDashboard />}</Page>;
}
