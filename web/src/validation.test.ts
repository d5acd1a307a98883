import { describe, expect, it } from 'vitest';
import { dbName, domainName, email, generatePassword, ipList, isIpOrCidr, parseIpList, password, username } from './validation';

describe('validation mirrors the panel rules', () => {
  it('usernames: a lowercase letter, then 1-31 lowercase letters or digits', () => {
    expect(username('john')).toBeNull();
    expect(username('a1')).toBeNull();
    for (const bad of ['j', 'John', '1john', 'jo_hn', 'jo-hn', 'a'.repeat(33), '']) expect(username(bad)).toMatch(/Invalid username/);
  });
  it('passwords: 8 to 1024 characters', () => {
    expect(password()('12345678')).toBeNull();
    expect(password()('1234567')).toBe('Password must be at least 8 characters');
    expect(password('New password')('x'.repeat(1025))).toBe('New password must be at most 1024 characters');
  });
  it('emails', () => {
    expect(email('a@example.com')).toBeNull();
    expect(email('a@b')).not.toBeNull();
    expect(email('no at')).not.toBeNull();
  });
  it('domain names', () => {
    for (const ok of ['example.com', 'a.b.example.co.uk', 'xn--bcher-kva.example', 'bücher.example', 'Example.COM.']) expect(domainName(ok)).toBeNull();
    for (const bad of ['example', '-a.com', 'a-.com', 'a..com', 'a b.com', '../etc', 'a'.repeat(64) + '.com']) expect(domainName(bad)).not.toBeNull();
  });
  it('IP allow-lists: IPs and CIDRs, commas or new lines', () => {
    expect(parseIpList('203.0.113.7, 10.0.0.0/8\n2001:db8::/32')).toEqual(['203.0.113.7', '10.0.0.0/8', '2001:db8::/32']);
    expect(ipList('')).toBeNull();
    expect(ipList('203.0.113.7, 10.0.0.0/8 ::1')).toBeNull();
    expect(ipList('10.0.0.0/33')).toBe("'10.0.0.0/33' is not an IP address or CIDR range");
    for (const bad of ['256.1.1.1', '1.2.3', 'example.com', '1.2.3.4/8/1', '1::2::3']) expect(isIpOrCidr(bad)).toBe(false);
  });
  it('database names: letters, digits and _ only', () => {
    expect(dbName('Database name')('my_db1')).toBeNull();
    expect(dbName('Database name')('my-db')).toMatch(/only letters, digits and _/);
    expect(dbName('Database name')("x'; DROP")).not.toBeNull();
  });
  it('generated passwords are long and random', () => {
    const a = generatePassword();
    expect(a).toHaveLength(20);
    expect(password()(a)).toBeNull();
    expect(generatePassword()).not.toBe(a);
  });
});
