// The session token lives in memory, mirrored in sessionStorage so a reload
// of the tab keeps the user logged in; it is never written to localStorage
// or a cookie, and closing the tab forgets it.
import type { User } from './api/types';

const KEY = 'wsp.session';

export interface Session {
  token: string;
  user: User;
  // A login-as session: the admin's own session, to return to.
  impersonator?: Session;
}

let current: Session | null = null;

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

export function loadSession(): Session | null {
  if (current) return current;
  const raw = storage()?.getItem(KEY);
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as Session;
    if (typeof s.token === 'string' && s.user) current = s;
  } catch {
    storage()?.removeItem(KEY);
  }
  return current;
}

export function saveSession(s: Session | null) {
  current = s;
  if (s) storage()?.setItem(KEY, JSON.stringify(s));
  else storage()?.removeItem(KEY);
}

export function token(): string | null {
  return loadSession()?.token ?? null;
}
