// The warning an admin must not miss (issue 14): when the panel runs
// without root it cannot give each account its own Unix user, so
// `/health` says `"isolation": "none"` and every account's files, cron jobs
// and FTP sessions run as the panel's own user. Older panels do not send
// the field: no banner then.
import type { Health } from '../api/types';
import { useApp, useLoad } from './context';

export function IsolationBanner() {
  const { api, me } = useApp();
  const health = useLoad(() => (me.role === 'admin' ? api.get<Health>('/health') : Promise.resolve(null)), [me.role]);
  if (me.role !== 'admin' || health.data?.isolation !== 'none') return null;
  return (
    <div class="banner warning" role="alert">
      <strong>Accounts are not isolated:</strong> the panel runs without root, so every account's files, cron jobs and FTP sessions run as the panel's own
      user and can read and change each other's data. Run the panel as root before hosting users you do not trust.
    </div>
  );
}
