// The file manager: pure helpers, the highlighter, and its panels mounted
// with a scripted fetch (the real panel is driven by e2e/panel.e2e.mjs).
import { h } from 'preact';
import { beforeEach, describe, expect, it } from 'vitest';
import type { FileEntry } from '../api/types';
import { button, click, envelope, errorFor, field, formError, mount, settle, submit, type } from '../test/harness';
import { tokenize } from './highlight';
import { ChmodForm, CompressForm, NewEntryForm, RenameForm } from './panels';
import { ShareForm } from './share';
import { TrashPanel } from './versions';
import { checkName, crumbs, formatSize, languageOf, modeString, sortEntries } from './util';

beforeEach(() => {
  window.confirm = () => true;
});

const entry = (name: string, is_dir = false, size = 0, mod_time = '2026-05-11 06:46:35'): FileEntry => ({ name, path: `/${name}`, is_dir, size, permission: '644', owner: 'admin', mod_time });

describe('helpers', () => {
  it('sorts folders first, names naturally, by size or time either way', () => {
    const items = [entry('b10.txt', false, 5), entry('b2.txt', false, 50), entry('zdir', true), entry('a.txt', false, 1, '2026-06-01 00:00:00')];
    expect(sortEntries(items, { key: 'name', desc: false }).map((e) => e.name)).toEqual(['zdir', 'a.txt', 'b2.txt', 'b10.txt']);
    expect(sortEntries(items, { key: 'size', desc: true }).map((e) => e.name)).toEqual(['zdir', 'b2.txt', 'b10.txt', 'a.txt']);
    expect(sortEntries(items, { key: 'mod_time', desc: true })[1].name).toBe('a.txt');
  });
  it('modes, sizes, names, crumbs, languages', () => {
    expect(modeString('0755')).toBe('rwxr-xr-x');
    expect(modeString('644')).toBe('rw-r--r--');
    expect(modeString('4755')).toBeNull();
    expect(formatSize(512)).toBe('512 B');
    expect(formatSize(1536)).toBe('1.5 KB');
    expect(formatSize(50 * 1024 * 1024)).toBe('50 MB');
    expect(checkName('Name')('a/b')).toMatch(/cannot contain/);
    expect(checkName('Name')('..')).toMatch(/cannot contain/);
    expect(checkName('Name')('x'.repeat(256))).toMatch(/255 bytes/);
    expect(checkName('Name')('ok.txt')).toBeNull();
    expect(crumbs('/a/b').map((c) => c.path)).toEqual(['/', '/a', '/a/b']);
    expect(languageOf('index.php')).toBe('php');
    expect(languageOf('README')).toBe('text');
  });
});

describe('highlighter', () => {
  it('never changes the text and finds the token kinds', () => {
    const src = '<?php\n// hi\n$x = "a\\"b" . 42; if ($x) { echo \'y\'; }\n';
    const toks = tokenize(src, 'php');
    expect(toks.map((t) => t.text).join('')).toBe(src);
    const kinds = (k: string) => toks.filter((t) => t.kind === k).map((t) => t.text);
    expect(kinds('comment')).toEqual(['// hi']);
    expect(kinds('string')).toEqual(['"a\\"b"', "'y'"]);
    expect(kinds('variable')).toEqual(['$x', '$x']);
    expect(kinds('number')).toEqual(['42']);
    expect(kinds('keyword')).toEqual(['if', 'echo']);
  });
  it('an unterminated comment or string still round-trips; plain text is one token', () => {
    for (const [src, lang] of [['/* open', 'js'], ['"open', 'python'], ['<a href="x">t</a> <!-- c', 'html'], ['{"k": [1, true]}', 'json']])
      expect(tokenize(src, lang).map((t) => t.text).join('')).toBe(src);
    expect(tokenize('just text', 'text')).toEqual([{ kind: null, text: 'just text' }]);
  });
});

describe('panels', () => {
  it('new file: refuses a name with /, never replaces an existing file, writes an empty new one', async () => {
    const done: (string | undefined)[] = [];
    const { root, calls } = await mount(h(NewEntryForm, { dir: '/www', kind: 'file', onDone: (p?: string) => done.push(p) }), [
      { status: 200, body: { content: 'x', path: '/www/a.txt', size: 1 } },
      envelope(404, 'NOT_FOUND', 'File not found'),
      { status: 200, body: { message: 'File saved successfully' } },
    ]);
    await type(field(root, 'File name'), 'a/b');
    await submit(root);
    expect(calls).toHaveLength(0);
    expect(errorFor(field(root, 'File name'))).toMatch(/cannot contain \//);
    await type(field(root, 'File name'), 'a.txt');
    await submit(root);
    expect(errorFor(field(root, 'File name'))).toBe('a.txt already exists');
    await type(field(root, 'File name'), 'b.txt');
    await submit(root);
    expect(calls[1].url).toBe('/api/v1/files/read?path=%2Fwww%2Fb.txt');
    expect(calls[2]).toMatchObject({ method: 'POST', url: '/api/v1/files/write', body: { path: '/www/b.txt', content: '' } });
    expect(done).toEqual(['/www/b.txt']);
  });
  it('rename posts the new path in the same folder; a conflict is shown on the name', async () => {
    const { root, calls } = await mount(h(RenameForm, { entry: { ...entry('a.txt'), path: '/www/a.txt' }, onDone: () => {} }), [envelope(409, 'CONFLICT', 'Destination already exists')]);
    await type(field(root, 'New name'), 'b.txt');
    await submit(root);
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/v1/files/rename', body: { path: '/www/a.txt', new_path: '/www/b.txt' } });
    expect(errorFor(field(root, 'New name'))).toBe('Destination already exists');
  });
  it('chmod refuses setuid and shows the mode in words', async () => {
    const { root, calls } = await mount(h(ChmodForm, { entries: [entry('run.sh')], onDone: () => {} }), [{ status: 200, body: { message: 'ok' } }]);
    await type(field(root, 'Mode'), '4755');
    await submit(root);
    expect(calls).toHaveLength(0);
    expect(errorFor(field(root, 'Mode'))).toMatch(/three octal digits/);
    await type(field(root, 'Mode'), '755');
    expect(root.textContent).toContain('rwxr-xr-x');
    await submit(root);
    expect(calls[0]).toMatchObject({ url: '/api/v1/files/chmod', body: { path: '/run.sh', mode: '755', recursive: false } });
  });
  it('compress asks for a task and follows it to the end (progress, then done)', async () => {
    const done: boolean[] = [];
    const { root, calls } = await mount(h(CompressForm, { entries: [entry('www', true)], dir: '/', onDone: (c: boolean) => done.push(c) }), [
      { status: 202, body: { task_id: 't1', status: 'queued' } },
      { status: 200, body: { id: 't1', kind: 'compress', status: 'running', percent: 40, bytes_done: 4, bytes_total: 10 } },
      { status: 200, body: { id: 't1', kind: 'compress', status: 'done', percent: 100, bytes_done: 10, bytes_total: 10 } },
    ]);
    await submit(root);
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/v1/files/compress', body: { paths: ['/www'], archive: '/www.zip', async: true, overwrite: false } });
    for (let i = 0; i < 20 && done.length === 0; i++) await new Promise((r) => setTimeout(r, 100)).then(settle);
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/files/compress', '/api/v1/files/tasks/t1', '/api/v1/files/tasks/t1']);
    expect(done).toEqual([true]);
  });
  it('compress: a panel that answers at once is done; its error is shown', async () => {
    const { root } = await mount(h(CompressForm, { entries: [entry('www', true)], dir: '/', onDone: () => {} }), [envelope(409, 'CONFLICT', 'Archive already exists')]);
    await submit(root);
    expect(errorFor(field(root, 'Archive name'))).toBe('Archive already exists');
  });
  it('share: sends expiry, password and download limit; shows the absolute link', async () => {
    const { root, calls } = await mount(h(ShareForm, { entry: entry('report.pdf'), onDone: () => {} }), [{ status: 201, body: { id: 's1', url: '/s/tok123', expires_at: '2026-06-01T00:00:00Z' } }]);
    await type(field(root, 'Password (optional)'), 'pw12');
    await type(field(root, 'Most downloads (optional)'), '3');
    await submit(root);
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/v1/files/share', body: { path: '/report.pdf', expires_in: 604800, password: 'pw12', max_downloads: 3 } });
    expect((root.querySelector('#share-url') as HTMLInputElement).value).toBe(`${location.origin}/s/tok123`);
  });
  it('trash: restore that meets an existing file asks, then overwrites', async () => {
    const item = { trash_path: '_bt_a.txt_t_1', original_path: '/a.txt', name: 'a.txt', is_dir: false, size: 3, deleted_at: '2026-05-18 17:44:36' };
    const { root, calls } = await mount(h(TrashPanel, { onDone: () => {} }), [
      { status: 200, body: { items: [item] } },
      envelope(409, 'CONFLICT', 'File already exists'),
      { status: 200, body: { message: 'Restored' } },
      { status: 200, body: { items: [] } },
    ]);
    await click(button(root, 'Restore'));
    expect(calls[1].body).toEqual({ trash_path: '_bt_a.txt_t_1' });
    expect(calls[2].body).toEqual({ trash_path: '_bt_a.txt_t_1', overwrite: true });
    expect(root.textContent).toContain('Nothing here yet.');
  });
  it('trash: Restore all is one request and names exactly what could not come back', async () => {
    const t = (n: string) => ({ trash_path: `_bt_${n}_t_1`, original_path: `/${n}`, name: n, is_dir: false, size: 1, deleted_at: '' });
    const { root, calls } = await mount(h(TrashPanel, { onDone: () => {} }), [
      { status: 200, body: { items: [t('a.txt'), t('b.txt'), t('c.txt')] } },
      {
        status: 200,
        body: {
          results: [
            { path: '_bt_a.txt_t_1', success: true, message: 'Restored successfully' },
            { path: '_bt_b.txt_t_1', success: false, code: 'CONFLICT', message: 'A file already exists at /b.txt', status: 409 },
            { path: '_bt_c.txt_t_1', success: true, message: 'Restored successfully' },
          ],
          succeeded: 2,
          failed: 1,
          message: '2 of 3 restored; 1 failed',
        },
      },
      { status: 200, body: { items: [t('b.txt')] } },
    ]);
    await click(button(root, 'Restore all'));
    expect(calls[1]).toMatchObject({ method: 'POST', url: '/api/v1/files/bulk/restore', body: { trash_paths: ['_bt_a.txt_t_1', '_bt_b.txt_t_1', '_bt_c.txt_t_1'] } });
    expect(root.querySelector('.bulk-report .notice')?.textContent).toBe('2 of 3 items restored; 1 failed');
    expect(root.querySelector('.bulk-report .form-error')?.textContent).toBe('/b.txt: A file already exists at /b.txt');
    expect(calls[2].url).toBe('/api/v1/files/trash');
  });
  it('trash: Restore selected sends only the ticked items', async () => {
    const t = (n: string) => ({ trash_path: `_bt_${n}_t_1`, original_path: `/${n}`, name: n, is_dir: false, size: 1, deleted_at: '' });
    const { root, calls } = await mount(h(TrashPanel, { onDone: () => {} }), [
      { status: 200, body: { items: [t('a.txt'), t('b.txt'), t('c.txt')] } },
      { status: 200, body: { results: [{ path: '_bt_c.txt_t_1', success: true, message: 'Restored successfully' }], succeeded: 1, failed: 0, message: '1 restored' } },
      { status: 200, body: { items: [t('a.txt'), t('b.txt')] } },
    ]);
    await click(root.querySelector('input[aria-label="Select c.txt"]') as HTMLElement);
    await click(button(root, 'Restore selected (1)'));
    expect(calls[1]).toMatchObject({ method: 'POST', url: '/api/v1/files/bulk/restore', body: { trash_paths: ['_bt_c.txt_t_1'] } });
    // The accessible name keeps the visible text (axe label-content-name-mismatch).
    expect(root.querySelector('button.danger[aria-label^="Delete forever"]')).not.toBeNull();
  });
  it('trash: a refused restore (no overwrite) shows the message on the row', async () => {
    window.confirm = () => false;
    const item = { trash_path: '_bt_a.txt_t_1', original_path: '/a.txt', name: 'a.txt', is_dir: false, size: 3, deleted_at: '' };
    const { root } = await mount(h(TrashPanel, { onDone: () => {} }), [{ status: 200, body: { items: [item] } }, envelope(409, 'CONFLICT', 'File already exists')]);
    await click(button(root, 'Restore'));
    expect(root.querySelector('.row-error')?.textContent).toBe('File already exists');
    expect(formError(root)).toBeNull();
  });
});
