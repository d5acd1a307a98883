import { describe, expect, it } from 'vitest';
import { fieldForMessage } from './errors';

const fields = {
  username: { label: 'Username', match: /^user already exists/i },
  email: { label: 'Email' },
  password: { label: 'Password' },
  ip_whitelist: { label: 'Allowed IP addresses' },
};

describe('an API message goes next to the field it names', () => {
  it.each([
    ['Password must be at least 8 characters', 'password'],
    ['Invalid username (2-32 characters: ...)', 'username'],
    ['User already exists', 'username'],
    ["ip_whitelist: invalid address 'x'", 'ip_whitelist'],
    ['Email is required', 'email'],
  ])('%s -> %s', (message, want) => {
    expect(fieldForMessage(message, fields)).toBe(want);
  });
  it('a message naming no field belongs to the form', () => {
    expect(fieldForMessage('Admin privileges required', fields)).toBeNull();
    expect(fieldForMessage('Rate limit exceeded', fields)).toBeNull();
  });
  it('the longest label wins', () => {
    expect(fieldForMessage('New password must be at least 8 characters', { password: { label: 'Password' }, npw: { label: 'New password' } })).toBe('npw');
  });
});
