// The one way the interface talks to the panel: JSON over fetch with the
// session token as a Bearer token. Every failure becomes an ApiError that
// carries the error envelope's message, so pages can show it as it is.
import type { ErrorEnvelope } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ApiOptions {
  base?: string;
  token?: () => string | null;
  // Called when a request with a token is answered 401 (expired session).
  onUnauthorized?: () => void;
  fetch?: typeof fetch;
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
  errorFrom(status: number, text: string): ApiError {
    let data: unknown;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = undefined;
    }
    if (status === 401 && this.options.token?.()) this.options.onUnauthorized?.();
    if (isEnvelope(data)) return new ApiError(status, data.code ?? 'ERROR', data.message);
    return new ApiError(status, 'ERROR', `The panel answered ${status}`);
  }

  async request<T>(method: Method, path: string, body?: unknown): Promise<T> {
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
      if (isEnvelope(data)) throw new ApiError(res.status, data.code ?? 'ERROR', data.message);
      throw new ApiError(res.status, 'ERROR', `The panel answered ${res.status}`);
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
  del<T>(path: string, params?: Params) {
    return this.request<T>('DELETE', fill(path, params));
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
