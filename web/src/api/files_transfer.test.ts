// The transfer calls coded against the API being built on other branches
// (upload, download, share links, tasks): what they send, and how the
// answers (progress, 409, 413, task states) reach the interface.
import { h } from 'preact';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Api, ApiError } from './client';
import { createShare, downloadFile, listShares, startFileOp, uploadFile, waitTask } from './files_transfer';
import { mount, mountWith, scriptedFetch, settle } from '../test/harness';
import { UploadList, useUploads } from '../files/uploads';

// A stand-in XMLHttpRequest: records what is sent and answers from a script.
interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  form: FormData;
}
let sent: Sent[] = [];
let answers: { status: number; body: unknown; retryAfter?: string }[] = [];
class FakeXhr {
  status = 0;
  responseText = '';
  upload: { onprogress: ((e: { loaded: number; total: number; lengthComputable: boolean }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  private req: Partial<Sent> = { headers: {} };
  private retryAfter: string | null = null;
  getResponseHeader(name: string) {
    return name.toLowerCase() === 'retry-after' ? this.retryAfter : null;
  }
  open(method: string, url: string) {
    this.req.method = method;
    this.req.url = url;
  }
  setRequestHeader(k: string, v: string) {
    this.req.headers![k] = v;
  }
  abort() {
    this.onabort?.();
  }
  send(form: FormData) {
    sent.push({ ...(this.req as Sent), form });
    const a = answers.shift() ?? { status: 500, body: { message: 'no answer' } };
    setTimeout(() => {
      const file = form.get('file') as File;
      this.upload.onprogress?.({ loaded: Math.floor(file.size / 2), total: file.size, lengthComputable: true });
      this.status = a.status;
      this.retryAfter = a.retryAfter ?? null;
      this.responseText = JSON.stringify(a.body);
      this.onload?.();
    }, 0);
  }
}
const realXhr = globalThis.XMLHttpRequest;
beforeEach(() => {
  sent = [];
  answers = [];
  globalThis.XMLHttpRequest = FakeXhr as unknown as typeof XMLHttpRequest;
});
afterEach(() => {
  globalThis.XMLHttpRequest = realXhr;
});

const api = (replies: Parameters<typeof scriptedFetch>[0] = []) => {
  const net = scriptedFetch(replies);
  return { api: new Api({ token: () => 'wsp_t', fetch: net.fetch }), calls: net.calls };
};

describe('upload', () => {
  it('one multipart request per file with path, file and overwrite; progress reported', async () => {
    answers = [{ status: 201, body: { message: 'ok' } }];
    const progress: number[] = [];
    const file = new File(['hello world'], 'a.txt', { type: 'text/plain' });
    await uploadFile(api().api, '/www', file, { overwrite: true, onProgress: (p) => progress.push(p.loaded) });
    expect(sent[0].method).toBe('POST');
    expect(sent[0].url).toBe('/api/v1/files/upload');
    expect(sent[0].headers.Authorization).toBe('Bearer wsp_t');
    expect(sent[0].form.get('path')).toBe('/www');
    expect(sent[0].form.get('overwrite')).toBe('true');
    expect((sent[0].form.get('file') as File).name).toBe('a.txt');
    expect(progress).toEqual([5, 11]);
  });
  it("409 and 413 become ApiErrors with the panel's message", async () => {
    answers = [{ status: 413, body: { success: false, code: 'TOO_LARGE', message: 'File exceeds the upload limit of 1 MB', status: 413 } }];
    const err = await uploadFile(api().api, '/', new File(['x'], 'x.bin')).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(413);
    expect(err.message).toBe('File exceeds the upload limit of 1 MB');
  });
  it('70 files: a 429 is waited out and the file sent again; every file arrives, one listing refresh', async () => {
    const limited = { status: 429, body: { success: false, code: 'RATE_LIMITED', message: 'Rate limit exceeded', status: 429 }, retryAfter: '1' };
    // Every fifth upload is refused once.
    answers = [];
    for (let i = 0; i < 70; i++) {
      if (i % 5 === 0) answers.push(limited);
      answers.push({ status: 201, body: {} });
    }
    let up: ReturnType<typeof useUploads> | null = null;
    let refreshed = 0;
    const Probe = () => {
      up = useUploads('/www', () => void refreshed++);
      return h(UploadList, { up });
    };
    const net = scriptedFetch([{ status: 200, body: { max_upload_mb: 10 } }]);
    const waits: number[] = [];
    const quick = new Api({ token: () => 'wsp_t', fetch: net.fetch, sleep: async (ms) => void waits.push(ms) });
    const { root } = await mountWith(h(Probe, {}), quick);
    await up!.add(Array.from({ length: 70 }, (_, i) => new File(['x'], `f${i}.txt`)));
    await settle();
    expect(waits.length).toBe(14);
    expect(waits.every((w) => w === 1000)).toBe(true);
    expect(sent).toHaveLength(84);
    expect(new Set(sent.map((s) => (s.form.get('file') as File).name)).size).toBe(70);
    expect(root.textContent?.match(/✓ uploaded/g)?.length).toBe(70);
    expect(root.textContent).not.toContain('Rate limit');
    expect(refreshed).toBe(1);
  });
  it('the upload list: a file that exists offers Replace, which sends overwrite', async () => {
    answers = [{ status: 409, body: { success: false, code: 'CONFLICT', message: 'File already exists', status: 409 } }, { status: 201, body: {} }];
    let up: ReturnType<typeof useUploads> | null = null;
    const Probe = () => {
      up = useUploads('/www', () => {});
      return h(UploadList, { up });
    };
    const { root } = await mount(h(Probe, {}), [{ status: 200, body: { max_upload_mb: 1 } }]);
    await up!.add([new File(['abc'], 'a.txt')]);
    await settle();
    expect(root.textContent).toContain('a.txt exists already');
    const replace = [...root.querySelectorAll('button')].find((b) => b.textContent === 'Replace a.txt')!;
    replace.click();
    for (let i = 0; i < 5 && sent.length < 2; i++) await settle();
    await settle();
    expect(sent[1].form.get('overwrite')).toBe('true');
    expect(root.textContent).toContain('✓ uploaded');
    // Over the limit from /files/upload-limits: refused before sending.
    await up!.add([new File([new Uint8Array(2 * 1024 * 1024)], 'big.bin')]);
    await settle();
    expect(sent).toHaveLength(2);
    expect(root.textContent).toContain('big.bin is larger than the upload limit of 1 MB');
  });
});

describe('download, shares, tasks', () => {
  it('download fetches with the Bearer header and hands a named file to the browser', async () => {
    const { api: a, calls } = api([{ status: 200, body: 'bytes' }]);
    const clicked: string[] = [];
    const realClick = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function () {
      clicked.push(this.download);
    };
    URL.createObjectURL ??= () => 'blob:x';
    try {
      await downloadFile(a, '/www', true);
    } finally {
      HTMLAnchorElement.prototype.click = realClick;
    }
    expect(calls[0].url).toBe('/api/v1/files/download?path=%2Fwww');
    expect(calls[0].headers.Authorization).toBe('Bearer wsp_t');
    expect(clicked).toEqual(['www.zip']);
  });
  it("download calls the browser's fetch without the Api as its this (Illegal invocation)", async () => {
    const real = globalThis.fetch;
    let seenThis: unknown = 'unset';
    globalThis.fetch = function (this: unknown) {
      seenThis = this;
      if (this !== undefined && this !== globalThis) return Promise.reject(new TypeError('Illegal invocation'));
      return Promise.resolve(new Response('x'));
    } as typeof fetch;
    const realClick = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = () => {};
    URL.createObjectURL ??= () => 'blob:x';
    try {
      await downloadFile(new Api({ token: () => 't' }), '/a.txt');
    } finally {
      globalThis.fetch = real;
      HTMLAnchorElement.prototype.click = realClick;
    }
    expect(seenThis === undefined || seenThis === globalThis).toBe(true);
  });
  it('a refused download is an ApiError', async () => {
    const { api: a } = api([{ status: 404, body: { success: false, code: 'NOT_FOUND', message: 'File not found', status: 404 } }]);
    await expect(downloadFile(a, '/nope')).rejects.toThrow('File not found');
  });
  it('share links: create and list', async () => {
    const { api: a, calls } = api([{ status: 201, body: { id: 's', url: '/s/t', expires_at: '' } }, { status: 200, body: { items: [{ id: 's' }] } }]);
    await createShare(a, { path: '/a', expires_in: 3600 });
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/v1/files/share', body: { path: '/a', expires_in: 3600 } });
    expect(await listShares(a)).toEqual([{ id: 's' }]);
  });
  it('tasks: async is asked for; a failed task is an error with its reason', async () => {
    const { api: a, calls } = api([
      { status: 202, body: { task_id: 't9', status: 'queued' } },
      { status: 200, body: { id: 't9', kind: 'extract', status: 'failed', percent: 10, bytes_done: 1, bytes_total: 10, error: 'Archive is corrupt' } },
    ]);
    const r = await startFileOp(a, 'extract', { archive: '/a.zip' });
    expect(calls[0].body).toEqual({ archive: '/a.zip', async: true });
    await expect(waitTask(a, r.task_id!, () => {}, 1)).rejects.toThrow('Archive is corrupt');
  });
  it('tasks: a 202 that is the task itself, and an error envelope inside a failed task, are understood', async () => {
    const { api: a } = api([
      { status: 202, body: { id: 'abc', kind: 'copy', status: 'queued', percent: 0, bytes_done: 0, bytes_total: null } },
      { status: 200, body: { id: 'abc', kind: 'copy', status: 'failed', percent: 0, bytes_done: 0, bytes_total: null, error: { code: 'CONFLICT', message: 'Destination already exists', status: 409 } } },
    ]);
    const r = await startFileOp(a, 'copy', { source: '/a', destination: '/b' });
    expect(r.task_id).toBe('abc');
    const err = await waitTask(a, 'abc', () => {}, 1).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect([err.status, err.message]).toEqual([409, 'Destination already exists']);
  });
  it('a panel that answers at once (200 {message}) has no task', async () => {
    const { api: a } = api([{ status: 200, body: { message: 'Archive created' } }]);
    expect(await startFileOp(a, 'compress', { paths: ['/a'], archive: '/a.zip' })).toEqual({ task_id: undefined, message: 'Archive created' });
  });
});
