// The one way the interface talks to the panel: JSON over fetch with the
// session token as a Bearer token. Every failure becomes an ApiError that
// carries the error envelope's message, so pages can show it as it is.
import type { ErrorEnvelope } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    // 429: seconds the panel asked to wait (its Retry-After).
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

// Retry-After as seconds (the panel sends delta-seconds); undefined if absent.
export function parseRetryAfter(v: string | null | undefined): number | undefined {
  if (!v) return undefined;
  const n = Number(v.trim());
  if (Number.isFinite(n) && n >= 0) return Math.ceil(n);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

// A 429 the interface gave up waiting for: the message says when to retry.
function rateLimited(status: number, code: string, message: string, retryAfter?: number): ApiError {
  if (status !== 429 || retryAfter === undefined) return new ApiError(status, code, message, retryAfter);
  return new ApiError(status, code, `${message}; retry in ${retryAfter} s`, retryAfter);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// Runs `attempt` again while the panel answers 429 with a Retry-After (the
// request was refused before anything was done, so repeating it is safe),
// waiting what the panel asked, at most `retries` times. `onWait` hears
// each wait (seconds), so the interface can say it is waiting.
export async function withRateRetry<T>(
  attempt: () => Promise<T>,
  opts: { retries?: number; sleep?: (ms: number) => Promise<void>; onWait?: (seconds: number) => void } = {},
): Promise<T> {
  const retries = opts.retries ?? 4;
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 429 || e.retryAfter === undefined || n >= retries) throw e;
      opts.onWait?.(e.retryAfter);
      await (opts.sleep ?? sleep)(Math.max(1, e.retryAfter) * 1000);
    }
  }
}

// Delay before the n-th poll (0-based) of something running: starts at
// `first` ms and grows by half each time up to `max`, so a long task is
// asked a few times a minute, not twice a second.
export function pollDelay(n: number, first = 500, max = 5000): number {
  return Math.min(max, Math.round(first * Math.pow(1.5, n)));
}

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ApiOptions {
  base?: string;
  token?: () => string | null;
  // Called when a request with a token is answered 401 (expired session).
  onUnauthorized?: () => void;
  fetch?: typeof fetch;
  // 429 with Retry-After: how many times a request is repeated after the
  // wait the panel asked for (default 4), the wait itself (tests), and who
  // hears about a wait (the shell shows "waiting N s").
  rateRetries?: number;
  sleep?: (ms: number) => Promise<void>;
  onRateLimited?: (seconds: number) => void;
}

function isEnvelope(v: unknown): v is ErrorEnvelope {
  return typeof v === 'object' && v !== null && typeof (v as ErrorEnvelope).message === 'string';
}

export class Api {
  private readonly base: string;
  constructor(private readonly options: ApiOptions = {}) {
    this.base = options.base ?? '/api/v1';
  }

  // For requests that are not JSON (uploads with XMLHttpRequest, downloads
  // as blobs; api/files_transfer.ts): the full URL and the Bearer header.
  url(path: string, params?: Params, query?: Record<string, string>): string {
    const q = query ? '?' + new URLSearchParams(query).toString() : '';
    return this.base + fill(path, params) + q;
  }
  authHeaders(): Record<string, string> {
    const token = this.options.token?.();
    return token ? { Authorization: `Bearer ${token}` } : {};
  }
  // Called as api.fetchFn(...): the browser's fetch must not see the Api
  // as its `this` ("Illegal invocation"), hence the wrapper.
  get fetchFn(): typeof fetch {
    return this.options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  }
  // An answer that is not 2xx as an ApiError (the envelope's message).
  errorFrom(status: number, text: string, retryAfter?: string | null): ApiError {
    let data: unknown;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = undefined;
    }
    if (status === 401 && this.options.token?.()) this.options.onUnauthorized?.();
    const wait = parseRetryAfter(retryAfter);
    if (isEnvelope(data)) return rateLimited(status, data.code ?? 'ERROR', data.message, wait);
    return rateLimited(status, 'ERROR', `The panel answered ${status}`, wait);
  }
  // Repeats `attempt` after a 429 as the panel asks (see withRateRetry).
  retrying<T>(attempt: () => Promise<T>): Promise<T> {
    return withRateRetry(attempt, { retries: this.options.rateRetries, sleep: this.options.sleep, onWait: this.options.onRateLimited });
  }

  request<T>(method: Method, path: string, body?: unknown): Promise<T> {
    return this.retrying(() => this.requestOnce<T>(method, path, body));
  }

  private async requestOnce<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json', ...this.authHeaders() };
    const token = this.options.token?.();
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const doFetch = this.options.fetch ?? fetch;
    let res: Response;
    try {
      res = await doFetch(this.base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
      });
    } catch {
      throw new ApiError(0, 'NETWORK', 'The panel cannot be reached; check your connection');
    }
    const text = await res.text();
    let data: unknown = undefined;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = undefined;
      }
    }
    if (!res.ok) {
      if (res.status === 401 && token) this.options.onUnauthorized?.();
      const wait = parseRetryAfter(res.headers?.get?.('Retry-After'));
      if (isEnvelope(data)) throw rateLimited(res.status, data.code ?? 'ERROR', data.message, wait);
      throw rateLimited(res.status, 'ERROR', `The panel answered ${res.status}`, wait);
    }
    return data as T;
  }

  // `path` is a template as docs/openapi.yaml writes it ('/domains/{domain}'),
  // filled from `params`, each value encoded as one path segment. Pages
  // call these with literal templates only, so a test can check every one
  // against the OpenAPI document (api/openapi.test.ts).
  get<T>(path: string, params?: Params, query?: Record<string, string>) {
    const q = query ? '?' + new URLSearchParams(query).toString() : '';
    return this.request<T>('GET', fill(path, params) + q);
  }
  post<T>(path: string, body?: unknown, params?: Params) {
    return this.request<T>('POST', fill(path, params), body ?? {});
  }
  put<T>(path: string, body: unknown, params?: Params) {
    return this.request<T>('PUT', fill(path, params), body);
  }
  del<T>(path: string, params?: Params, query?: Record<string, string>) {
    const q = query ? '?' + new URLSearchParams(query).toString() : '';
    return this.request<T>('DELETE', fill(path, params) + q);
  }
}

export type Params = Record<string, string | number>;

export function fill(template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined || v === '') throw new ApiError(0, 'CLIENT', `Missing path parameter ${name}`);
    return encodeURIComponent(String(v));
  });
}

// The same client acting on another account's files: an admin's `owner`
// (docs/openapi/files.yaml FileOwner) goes into every query and JSON body.
export function forOwner(api: Api, owner: string): Api {
  const o = Object.create(api) as Api;
  o.request = <T>(method: Method, path: string, body?: unknown): Promise<T> => {
    if (method === 'GET' || method === 'DELETE' || body === undefined || typeof body !== 'object' || body === null)
      return api.request<T>(method, path + (path.includes('?') ? '&' : '?') + new URLSearchParams({ owner }).toString(), body);
    return api.request<T>(method, path, { ...(body as Record<string, unknown>), owner });
  };
  o.url = (path: string, params?: Params, query?: Record<string, string>) => api.url(path, params, { ...(query ?? {}), owner });
  return o;
}
