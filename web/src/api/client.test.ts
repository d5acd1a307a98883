import { describe, expect, it } from 'vitest';
import { scriptedFetch, envelope } from '../test/harness';
import { Api, ApiError, forOwner } from './client';

describe('Api', () => {
  it('sends the token as a Bearer token and JSON bodies', async () => {
    const net = scriptedFetch([{ status: 201, body: { domain: 'example.com' } }]);
    const api = new Api({ token: () => 'wsp_abc', fetch: net.fetch });
    const r = await api.post<{ domain: string }>('/domains', { domain: 'example.com' });
    expect(r.domain).toBe('example.com');
    expect(net.calls[0]).toMatchObject({ method: 'POST', url: '/api/v1/domains', body: { domain: 'example.com' } });
    expect(net.calls[0].headers.Authorization).toBe('Bearer wsp_abc');
    expect(net.calls[0].headers['Content-Type']).toBe('application/json');
  });
  it('turns the error envelope into an ApiError with its message', async () => {
    const net = scriptedFetch([envelope(409, 'CONFLICT', 'Domain already exists')]);
    const api = new Api({ token: () => 't', fetch: net.fetch });
    const e = await api.post('/domains', {}).catch((x) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ status: 409, code: 'CONFLICT', message: 'Domain already exists' });
  });
  it('a 401 with a token ends the session', async () => {
    let ended = 0;
    const net = scriptedFetch([envelope(401, 'UNAUTHORIZED', 'Invalid or expired API key')]);
    const api = new Api({ token: () => 't', fetch: net.fetch, onUnauthorized: () => ended++ });
    await expect(api.get('/auth/me')).rejects.toThrow('Invalid or expired API key');
    expect(ended).toBe(1);
  });
  it('no token: no Authorization header, and a failed login does not end anything', async () => {
    let ended = 0;
    const net = scriptedFetch([envelope(401, 'UNAUTHORIZED', 'Invalid credentials')]);
    const api = new Api({ token: () => null, fetch: net.fetch, onUnauthorized: () => ended++ });
    await expect(api.post('/auth/login', {})).rejects.toThrow('Invalid credentials');
    expect(net.calls[0].headers.Authorization).toBeUndefined();
    expect(ended).toBe(0);
  });
  it('a non-JSON error still gives a message', async () => {
    const fetchFn = (async () => new Response('<html>bad gateway</html>', { status: 502 })) as unknown as typeof fetch;
    await expect(new Api({ fetch: fetchFn }).get('/health')).rejects.toThrow('The panel answered 502');
  });
  it('a network failure says so', async () => {
    const fetchFn = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    await expect(new Api({ fetch: fetchFn }).get('/health')).rejects.toThrow(/cannot be reached/);
  });
  it("forOwner adds an admin's owner to every query and JSON body", async () => {
    const net = scriptedFetch([{ status: 200, body: [] }, { status: 200, body: {} }, { status: 200, body: {} }, { status: 200, body: {} }]);
    const bob = forOwner(new Api({ token: () => 't', fetch: net.fetch }), 'bob');
    await bob.get('/files/list', {}, { path: '/' });
    await bob.post('/files/mkdir', { path: '/x' });
    await bob.del('/files/trash');
    await bob.put('/files/config', { editor_font_size: 12 });
    expect(net.calls.map((c) => [c.method, c.url, c.body])).toEqual([
      ['GET', '/api/v1/files/list?path=%2F&owner=bob', undefined],
      ['POST', '/api/v1/files/mkdir', { path: '/x', owner: 'bob' }],
      ['DELETE', '/api/v1/files/trash?owner=bob', undefined],
      ['PUT', '/api/v1/files/config', { editor_font_size: 12, owner: 'bob' }],
    ]);
    expect(bob.url('/files/download', {}, { path: '/a' })).toBe('/api/v1/files/download?path=%2Fa&owner=bob');
  });
});
