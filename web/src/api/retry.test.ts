// The client under the panel's rate limit: a 429 with Retry-After is waited
// out and the request sent again (never lost), a give-up says when to
// retry, polls back off, uploads go through a bounded queue.
import { describe, expect, it } from 'vitest';
import { envelope, scriptedFetch } from '../test/harness';
import { Api, ApiError, parseRetryAfter, pollDelay, withRateRetry } from './client';
import { runQueue } from '../files/uploads';

const limited = (seconds: number) => ({ ...envelope(429, 'RATE_LIMITED', 'Rate limit exceeded'), headers: { 'Retry-After': String(seconds) } });

describe('rate limit and back-off', () => {
  it('waits what Retry-After says and sends the same request again', async () => {
    const net = scriptedFetch([limited(7), limited(2), { status: 201, body: { domain: 'a.example' } }]);
    const waits: number[] = [];
    const heard: number[] = [];
    const api = new Api({ token: () => 't', fetch: net.fetch, sleep: async (ms) => void waits.push(ms), onRateLimited: (s) => heard.push(s) });
    const r = await api.post<{ domain: string }>('/domains', { domain: 'a.example' });
    expect(r.domain).toBe('a.example');
    expect(waits).toEqual([7000, 2000]);
    expect(heard).toEqual([7, 2]);
    expect(net.calls.map((c) => [c.method, c.url, c.body])).toEqual([
      ['POST', '/api/v1/domains', { domain: 'a.example' }],
      ['POST', '/api/v1/domains', { domain: 'a.example' }],
      ['POST', '/api/v1/domains', { domain: 'a.example' }],
    ]);
  });
  it('gives up after the retries and says when to retry', async () => {
    const net = scriptedFetch([limited(30), limited(30), limited(30)]);
    const api = new Api({ token: () => 't', fetch: net.fetch, rateRetries: 2, sleep: async () => {} });
    const e = (await api.get('/domains').catch((x) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(429);
    expect(e.retryAfter).toBe(30);
    expect(e.message).toBe('Rate limit exceeded; retry in 30 s');
    expect(net.calls).toHaveLength(3);
  });
  it('a 429 without Retry-After (a business limit) is not repeated', async () => {
    const net = scriptedFetch([envelope(429, 'RATE_LIMITED', 'Run-now limit reached')]);
    const api = new Api({ token: () => 't', fetch: net.fetch, sleep: async () => {} });
    await expect(api.post('/cronjobs/1/run')).rejects.toThrow('Run-now limit reached');
    expect(net.calls).toHaveLength(1);
  });
  it('other errors are not repeated', async () => {
    let n = 0;
    await expect(
      withRateRetry(async () => {
        n++;
        throw new ApiError(500, 'INTERNAL_ERROR', 'boom');
      }),
    ).rejects.toThrow('boom');
    expect(n).toBe(1);
  });
  it('reads Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('12')).toBe(12);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThanOrEqual(4);
  });
  it('polls back off up to a ceiling', () => {
    const delays = Array.from({ length: 12 }, (_, n) => pollDelay(n, 400, 5000));
    expect(delays[0]).toBe(400);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]);
    expect(delays[11]).toBe(5000);
    // A 35 s run is polled about a dozen times, not 175.
    let t = 0;
    let polls = 0;
    while (t < 35_000) t += pollDelay(polls++, 400, 5000);
    expect(polls).toBeLessThan(15);
  });
  it('the upload queue runs at most N at once and finishes every item', async () => {
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    await runQueue(
      Array.from({ length: 70 }, (_, i) => i),
      3,
      async (i) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 0));
        running--;
        done.push(i);
      },
    );
    expect(peak).toBe(3);
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 70 }, (_, i) => i));
  });
});
