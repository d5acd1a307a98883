import type { Health as HealthT } from '../api/types';
import { useApp, useLoad } from '../ui/context';
import { LoadState, Page, Section } from '../ui/page';
import { Status } from '../ui/status';

export function Health() {
  const { api } = useApp();
  const h = useLoad(() => api.get<HealthT>('/health'));
  const components = Object.entries(h.data?.components ?? {});
  return (
    <Page title="Health">
      <Section title="Panel">
        <LoadState loading={h.loading} error={h.error} />
        {h.data && (
          <>
            <dl class="facts">
              <dt>Status</dt>
              <dd>
                <Status word={h.data.status} />
              </dd>
              <dt>Version</dt>
              <dd>{h.data.version}</dd>
              {h.data.isolation && (
                <>
                  <dt>Account isolation</dt>
                  <dd>{h.data.isolation}</dd>
                </>
              )}
            </dl>
            <h3>Components</h3>
            {components.length === 0 ? (
              <p class="muted">No managed components are configured.</p>
            ) : (
              <ul class="components">
                {components.map(([name, state]) => (
                  <li key={name}>
                    {name}: <Status word={state} />
                  </li>
                ))}
              </ul>
            )}
            <button type="button" onClick={() => void h.reload()}>
              Refresh
            </button>
          </>
        )}
      </Section>
    </Page>
  );
}
