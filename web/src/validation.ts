
// Client-side checks that mirror the panel's own rules, so most mistakes
// are caught before a request. The panel still decides: whatever it
// answers is shown as well (see ui/form.tsx).

export type Check = (value: string) => string | null;

export const required =
  (label: string): Check =>
  (v) =>
    v.trim() === '' ? `${label} is required` : null;

export const username: Check = (v) =>
  /^[a-z][a-z0-9]{1,31}$/.test(v)
    ? null
    : 'Invalid username (2-32 characters: a lowercase letter, then lowercase letters or digits)';

export const password =
  (label = 'Password'): Check =>
  (v) => {
    if (v.length < 8) return `${label} must be at least 8 characters`;
    if (v.length > 1024) return `${label} must be at most 1024 characters`;
    return null;
  };

export const email: Check = (v) =>
  /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.trim()) ? null : 'Invalid email address';

export const maxLength =
  (label: string, n: number): Check =>
  (v) =>
    v.length > n ? `${label} must be at most ${n} characters` : null;

export const domainName: Check = (v) => {
  const d = v.trim().toLowerCase().replace(/\.$/, '');
  if (d.length === 0) return 'Domain is required';
  if (d.length > 253) return 'Domain must be at most 253 characters';
  const label = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
  const parts = d.split('.');
  // Internationalised names are checked by the panel (IDNA); here only the
  // shape: at least two labels.
  if (parts.length < 2 || !parts.every((p) => label.test(p) || /[^\x00-\x7f]/.test(p)))
    return 'Invalid domain name (for example example.com)';
  return null;
};

const ipv4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpOrCidr(s: string): boolean {
  const [addr, bits, extra] = s.split('/');
  if (extra !== undefined || !addr) return false;
  const v6 = addr.includes(':');
  if (v6) {
    if (!/^[0-9a-fA-F:.]+$/.test(addr) || (addr.match(/::/g) ?? []).length > 1) return false;
  } else if (!ipv4.test(addr)) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (v6 ? 128 : 32);
}

// "203.0.113.7, 10.0.0.0/8" or one per line -> list (empty = any address).
export function parseIpList(v: string): string[] {
  return v
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export const ipList: Check = (v) => {
  const bad = parseIpList(v).find((s) => !isIpOrCidr(s));
  return bad ? `'${bad}' is not an IP address or CIDR range` : null;
};

export const dbName =
  (label: string): Check =>
  (v) =>
    /^[a-zA-Z0-9_]+$/.test(v) ? null : `Invalid ${label.toLowerCase()} (only letters, digits and _ allowed)`;

export const ftpUsername: Check = (v) =>
  v.trim().length < 2 ? 'Username must be at least 2 characters' : null;


// Runs checks in order; the first message wins.
export function check(value: string, ...checks: Check[]): string | null {
  for (const c of checks) {
    const m = c(value);
    if (m) return m;
  }
  return null;
}

// A random password for forms that create accounts (databases, FTP).
export function generatePassword(length = 20): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_';
  // Bytes at or above the largest multiple of the alphabet's size are
  // dropped, so every character is equally likely.
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const b of crypto.getRandomValues(new Uint8Array(length))) {
      if (b < limit && out.length < length) out += alphabet[b % alphabet.length];
    }
  }
  return out;
}
