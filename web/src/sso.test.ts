import { describe, expect, it } from 'vitest';
import { ssoHandoff } from './sso';

describe('ssoHandoff', () => {
  it('reads the code and the target from the fragment of /sso', () => {
    expect(ssoHandoff('/sso', '#code=abc_-1&target=/files')).toEqual({ code: 'abc_-1', target: '/files' });
  });
  it('ignores other paths and a missing code', () => {
    expect(ssoHandoff('/domains', '#code=x')).toBeNull();
    expect(ssoHandoff('/sso', '#target=/x')).toBeNull();
  });
  it('never leaves the panel: another host becomes /domains', () => {
    expect(ssoHandoff('/sso', '#code=x&target=//evil.example')?.target).toBe('/domains');
    expect(ssoHandoff('/sso', '#code=x&target=https://evil.example')?.target).toBe('/domains');
  });
});
