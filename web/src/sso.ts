// Single sign-on hand-off (docs/integrations.md): /sso/consume/<nonce> sends
// the browser to /sso#code=<one-time code>&target=<path>; the interface
// trades the code for a session (POST /auth/sso/exchange) and opens the path.
export interface SsoHandoff {
  code: string;
  target: string;
}

export function ssoHandoff(pathname: string, hash: string): SsoHandoff | null {
  if (pathname !== '/sso' || !hash.startsWith('#')) return null;
  const params = new URLSearchParams(hash.slice(1));
  const code = params.get('code');
  if (!code) return null;
  const t = params.get('target') ?? '';
  // Only a path of this panel: never "//host" or a scheme.
  const target = t.startsWith('/') && !t.startsWith('//') && !t.includes('\\') ? t : '/domains';
  return { code, target };
}
