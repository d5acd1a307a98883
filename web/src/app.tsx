// The application: the login page, or the shell (navigation + the page the
// address names). Routing is by path (history API); the panel answers every
// non-API path with index.html, so deep links and reloads work.
import type { FunctionComponent } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Api } from './api/client';
import type { LoginResponse, User } from './api/types';
import { Account } from './pages/Account';
import { ApiKeys } from './pages/ApiKeys';
import { Backups } from './pages/Backups';
import { Audit } from './pages/Audit';
import { Cron } from './pages/Cron';
import { Dashboard } from './pages/Dashboard';
import { Databases } from './pages/Databases';
import { DatabaseHosts } from './pages/DatabaseHosts';
import { Domains } from './pages/Domains';
import { Files } from './pages/Files';
import { Ftp } from './pages/Ftp';
import { Health } from './pages/Health';
import { IsolationBanner } from './ui/isolation';
import { Login } from './pages/Login';
import { NotFound } from './pages/NotFound';
import { Packages } from './pages/Packages';
import { Resellers } from './pages/Resellers';
import { Security } from './pages/Security';
import { Users } from './pages/Users';
import { Webhooks } from './pages/Webhooks';
import { loadSession, saveSession, token, type Session } from './session';
import { ssoHandoff } from './sso';
import { AppContext, type AppContextValue } from './ui/context';

interface NavItem {
  path: string;
  label: string;
  page: FunctionComponent;
  admin?: boolean;
  // Also shown to a reseller (its customers, its packages, its dashboard).
  reseller?: boolean;
}

export const NAV: NavItem[] = [
  { path: '/', label: 'Dashboard', page: Dashboard },
  { path: '/databases', label: 'Databases', page: Databases },
  { path: '/ftp', label: 'FTP', page: Ftp },
  { path: '/cron', label: 'Cron', page: Cron },
  { path: '/files', label: 'Files', page: Files },
  { path: '/backups', label: 'Backups', page: Backups },
  { path: '/domains', label: 'Domains', page: Domains },
  { path: '/api-keys', label: 'API keys', page: ApiKeys },
  { path: '/webhooks', label: 'Webhooks', page: Webhooks },
  { path: '/users', label: 'Users', page: Users, admin: true, reseller: true },
  { path: '/packages', label: 'Packages', page: Packages, admin: true, reseller: true },
  { path: '/resellers', label: 'Resellers', page: Resellers, admin: true, reseller: true },
  { path: '/database-hosts', label: 'Database hosts', page: DatabaseHosts, admin: true },
  { path: '/health', label: 'Health', page: Health },
  { path: '/security', label: 'Security', page: Security },
  { path: '/audit', label: 'Audit log', page: Audit },
  // Last: the e2e test's keyboard check reaches it with Shift+Tab.
  { path: '/account', label: 'Account', page: Account },
];

// The page an address names: "/" only itself, others their subpaths too.
export function findPage(items: NavItem[], path: string): NavItem | undefined {
  return items.find((n) => (n.path === '/' ? path === '/' || path === '' : path === n.path || path.startsWith(n.path + '/')));
}

function usePath(): [string, (p: string) => void] {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const onPop = () => setPath(location.pathname);
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const navigate = (p: string) => {
    if (p !== location.pathname) history.pushState(null, '', p);
    setPath(p);
  };
  return [path, navigate];
}

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [path, navigate] = usePath();
  // The panel asked to wait (429 + Retry-After): the request is sent again
  // after the wait; the shell says so meanwhile.
  const [waitUntil, setWaitUntil] = useState<number | null>(null);
  const api = useMemo(
    () =>
      new Api({
        token,
        onRateLimited: (seconds) => {
          setWaitUntil(Date.now() + seconds * 1000);
          setTimeout(() => setWaitUntil((u) => (u !== null && u <= Date.now() ? null : u)), seconds * 1000 + 50);
        },
        onUnauthorized: () => {
          saveSession(null);
          setSession(null);
        },
      }),
    [],
  );

  // Single sign-on: trade the one-time code for a session, once, and take
  // the code out of the address bar at once.
  useEffect(() => {
    const sso = ssoHandoff(location.pathname, location.hash);
    if (!sso) return;
    history.replaceState(null, '', '/');
    api
      .post<LoginResponse>('/auth/sso/exchange', { code: sso.code })
      .then((r) => {
        const s = { token: r.token, user: r.user };
        saveSession(s);
        setSession(s);
        navigate(sso.target);
      })
      .catch(() => navigate('/'));
  }, []);

  if (!session) {
    return (
      <Login
        api={api}
        onLogin={(s) => {
          saveSession(s);
          setSession(s);
          if (path === '/login') navigate('/');
        }}
      />
    );
  }

  const logout = async () => {
    try {
      await api.post('/auth/logout');
    } catch {
      // The session is forgotten here whatever the panel answered.
    }
    saveSession(null);
    setSession(null);
    navigate('/');
  };
  const ctx: AppContextValue = {
    api,
    me: session.user,
    setMe: (u: User) => {
      const s = { ...session, user: u };
      saveSession(s);
      setSession(s);
    },
    logout,
    navigate,
    loginAs: async (username: string) => {
      const r = await api.post<LoginResponse>('/auth/login-as/{username}', {}, { username });
      const s = { token: r.token, user: r.user, impersonator: session };
      saveSession(s);
      setSession(s);
      navigate('/');
    },
  };
  // Back to the admin's own session; the login-as session ends.
  const returnToOwn = async () => {
    try {
      await api.post('/auth/logout');
    } catch {
      // Ended or not, the admin's own session comes back.
    }
    const own = session.impersonator ?? null;
    saveSession(own);
    setSession(own);
    navigate('/users');
  };
  return (
    <AppContext.Provider value={ctx}>
      {session.impersonator && <ImpersonationBanner as={session.user.username} by={session.impersonator.user.username} onReturn={() => void returnToOwn()} />}
      {waitUntil !== null && <RateLimitNotice until={waitUntil} />}
      <Shell path={path} />
    </AppContext.Provider>
  );
}

function Shell({ path }: { path: string }) {
  const [menuOpen, setMenuOpen] = useState(false);
  return (
    <AppContext.Consumer>
      {(ctx) => {
        const { me, navigate, logout } = ctx!;
        const items = NAV.filter((n) => !n.admin || me.role === 'admin' || (n.reseller && me.role === 'reseller'));
        const current = findPage(items, path);
        // An address no page has, or one this role may not open: say so.
        const Current = current?.page;
        const go = (e: MouseEvent, p: string) => {
          if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
          e.preventDefault();
          setMenuOpen(false);
          navigate(p);
        };
        return (
          <div class="shell">
            <a class="skip" href="#main">
              Skip to content
            </a>
            <header class="top">
              <span class="brand">WisPanel</span>
              <button type="button" class="menu-toggle" aria-expanded={menuOpen} aria-controls="nav" onClick={() => setMenuOpen(!menuOpen)}>
                Menu
              </button>
              <span class="who">
                {me.username} <span class="muted">({me.role})</span>
              </span>
              <button type="button" onClick={() => void logout()}>
                Log out
              </button>
            </header>
            <nav id="nav" aria-label="Main" class={menuOpen ? 'open' : ''}>
              <ul>
                {items.map((n) => (
                  <li key={n.path}>
                    <a href={n.path} aria-current={n === current ? 'page' : undefined} onClick={(e) => go(e, n.path)}>
                      {n.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
            <main id="main">
              <IsolationBanner />
              {Current ? <Current key={current!.path} /> : <NotFound key={`missing:${path}`} forbidden={!!findPage(NAV, path)} />}
            </main>
          </div>
        );
      }}
    </AppContext.Consumer>
  );
}

// Shown while a request waits out the panel's rate limit (Retry-After).
export function RateLimitNotice({ until }: { until: number }) {
  const seconds = Math.max(1, Math.ceil((until - Date.now()) / 1000));
  return (
    <div class="banner" role="status">
      The panel asked the interface to slow down; your last action will be sent again in about {seconds} s.
    </div>
  );
}

export function ImpersonationBanner({ as, by, onReturn }: { as: string; by: string; onReturn: () => void }) {
  return (
    <div class="banner impersonation" role="status">
      You are acting as <strong>{as}</strong> (logged in as {by}); everything you do is recorded with both names.{' '}
      <button type="button" onClick={onReturn}>
        Return to my account
      </button>
    </div>
  );
}
