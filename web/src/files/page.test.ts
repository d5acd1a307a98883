// The Files page and the editor mounted with a scripted fetch: sorting,
// multi-select, keyboard, and the editor's load / settings / save.
import { h } from 'preact';
import { act } from 'preact/test-utils';
import { beforeEach, describe, expect, it } from 'vitest';
import type { FileEntry } from '../api/types';
import { admin, button, click, envelope, mount as mountAs, settle } from '../test/harness';
import { Files } from '../pages/Files';
import Editor from './Editor';

beforeEach(() => {
  window.confirm = () => true;
});

const e = (name: string, is_dir = false, size = 1): FileEntry => ({ name, path: `/${name}`, is_dir, size, permission: '644', owner: 'admin', mod_time: '2026-05-11 06:46:35' });
const listing = [e('b.txt', false, 300), e('a.txt', false, 20), e('www', true, 4096)];
const limits = { status: 200, body: { max_upload_mb: 500 } };
// The file manager as a user (an admin's page also loads /users first).
const alice = { ...admin, username: 'alice', role: 'user' as const };
const mount = (node: Parameters<typeof mountAs>[0], replies: Parameters<typeof mountAs>[1] = []) => mountAs(node, replies, alice);
const names = (root: HTMLElement) => [...root.querySelectorAll('tbody [data-nav]')].map((b) => b.textContent);

describe('Files page', () => {
  it('lists folders first, sorts by a column header, both ways', async () => {
    const { root, calls } = await mount(h(Files, {}), [{ status: 200, body: listing }, limits]);
    expect(calls[0].url).toBe('/api/v1/files/list?path=%2F');
    expect(names(root)).toEqual(['www/', 'a.txt', 'b.txt']);
    const sizeHeader = () => [...root.querySelectorAll<HTMLButtonElement>('thead button.sort')].find((b) => b.textContent?.startsWith('Size'))!;
    await click(sizeHeader());
    expect(names(root)).toEqual(['www/', 'a.txt', 'b.txt']);
    expect(sizeHeader().closest('th')?.getAttribute('aria-sort')).toBe('ascending');
    await click(sizeHeader());
    expect(names(root)).toEqual(['www/', 'b.txt', 'a.txt']);
    expect(sizeHeader().closest('th')?.getAttribute('aria-sort')).toBe('descending');
  });
  it('Delete selected sends one bulk request and reports exactly what succeeded and failed, then refreshes', async () => {
    const { root, calls } = await mount(h(Files, {}), [
      { status: 200, body: listing },
      limits,
      {
        status: 200,
        body: {
          results: [
            { path: '/a.txt', success: true, message: 'Moved to trash' },
            { path: '/b.txt', success: false, code: 'FORBIDDEN', message: 'Permission denied', status: 403 },
          ],
          succeeded: 1,
          failed: 1,
          message: '1 of 2 deleted; 1 failed',
        },
      },
      { status: 200, body: [e('b.txt'), e('www', true)] },
    ]);
    await click(root.querySelector<HTMLInputElement>('[aria-label="Select a.txt"]')!);
    await click(root.querySelector<HTMLInputElement>('[aria-label="Select b.txt"]')!);
    expect(root.querySelector('[aria-label="Selected items"]')?.textContent).toContain('2 selected');
    await click(button(root, 'Delete selected'));
    const bulk = calls.filter((c) => c.url === '/api/v1/files/bulk/delete').map((c) => c.body);
    expect(bulk).toEqual([{ paths: ['/a.txt', '/b.txt'] }]);
    expect(calls.filter((c) => c.url === '/api/v1/files/delete')).toHaveLength(0);
    expect(root.querySelector('[role="status"].notice')?.textContent).toBe('1 of 2 items moved to the trash; 1 failed');
    expect(root.querySelector('[role="alert"]')?.textContent).toBe('b.txt: Permission denied');
    // The list was fetched again: what is left is shown.
    expect(calls.filter((c) => c.url.startsWith('/api/v1/files/list'))).toHaveLength(2);
    expect(names(root)).toEqual(['www/', 'b.txt']);
    expect(root.querySelector('[aria-label="Selected items"]')).toBeNull();
  });
  it('all of a bulk delete succeeding says so with the exact count', async () => {
    const ok = (path: string) => ({ path, success: true, message: 'Moved to trash' });
    const { root } = await mount(h(Files, {}), [
      { status: 200, body: listing },
      limits,
      { status: 200, body: { results: [ok('/a.txt'), ok('/b.txt')], succeeded: 2, failed: 0, message: '2 of 2 deleted' } },
      { status: 200, body: [e('www', true)] },
    ]);
    await click(root.querySelector<HTMLInputElement>('[aria-label="Select a.txt"]')!);
    await click(root.querySelector<HTMLInputElement>('[aria-label="Select b.txt"]')!);
    await click(button(root, 'Delete selected'));
    expect(root.querySelector('[role="status"].notice')?.textContent).toBe('All 2 items moved to the trash');
    expect(root.querySelector('[role="alert"]')).toBeNull();
  });
  it('keyboard: arrows move between rows, Ctrl+A selects the page, Escape clears', async () => {
    const { root } = await mount(h(Files, {}), [{ status: 200, body: listing }, limits]);
    const first = root.querySelector<HTMLElement>('tbody [data-nav]')!;
    first.focus();
    await act(() => {
      first.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
    });
    expect(document.activeElement?.textContent).toBe('a.txt');
    await act(() => {
      document.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: ' ', bubbles: true }));
    });
    expect(root.querySelector('[aria-label="Selected items"]')?.textContent).toContain('1 selected');
    expect(root.querySelector<HTMLInputElement>('[aria-label="Select a.txt"]')!.checked).toBe(true);
    await act(() => {
      document.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: 'a', ctrlKey: true, bubbles: true }));
    });
    expect(root.querySelector('[aria-label="Selected items"]')?.textContent).toContain('3 selected');
    await act(() => {
      document.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    });
    expect(root.querySelector('[aria-label="Selected items"]')).toBeNull();
  });
  it('opening a folder lists it and the breadcrumbs lead back', async () => {
    const { root, calls } = await mount(h(Files, {}), [{ status: 200, body: listing }, limits, { status: 200, body: [e('index.html')] }, { status: 200, body: listing }]);
    await click(root.querySelector<HTMLElement>('[aria-label="Open folder www"]')!);
    expect(calls[2].url).toBe('/api/v1/files/list?path=%2Fwww');
    expect(root.querySelector('[aria-current="location"]')?.textContent).toBe('www');
    await click(button(root, 'Home'));
    expect(calls[3].url).toBe('/api/v1/files/list?path=%2F');
  });
  it('a listing error is shown', async () => {
    const { root } = await mount(h(Files, {}), [envelope(403, 'FORBIDDEN', 'Account suspended'), limits]);
    expect(root.querySelector('[role="alert"]')?.textContent).toBe('Account suspended');
  });
});

describe('Files page for an admin', () => {
  it("switching to another account's home sends owner with every call", async () => {
    const users = [admin, { ...admin, username: 'bob', role: 'user' }];
    // Effects run children first: the list, the upload limit, then /users.
    const { root, calls } = await mountAs(h(Files, {}), [
      { status: 200, body: listing },
      limits,
      { status: 200, body: users },
      { status: 200, body: [e('bobs.txt')] },
      limits,
      { status: 200, body: { message: 'Directory created successfully' } },
      { status: 200, body: [e('bobs.txt'), e('new', true)] },
    ]);
    expect(calls.map((c) => c.url).slice(0, 3)).toEqual(['/api/v1/files/list?path=%2F', '/api/v1/files/upload-limits', '/api/v1/users']);
    const pick = root.querySelector<HTMLSelectElement>('#files-owner')!;
    await act(() => {
      pick.value = 'bob';
      pick.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await settle();
    expect(calls[3].url).toBe('/api/v1/files/list?path=%2F&owner=bob');
    expect(names(root)).toEqual(['bobs.txt']);
    await click(button(root, 'New folder'));
    const input = root.querySelector<HTMLInputElement>('input[name="name"]')!;
    await act(() => {
      input.value = 'new';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(async () => {
      input.form!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    });
    await settle();
    expect(calls[5]).toMatchObject({ method: 'POST', url: '/api/v1/files/mkdir', body: { path: '/new', owner: 'bob' } });
  });
});

describe('Editor (lazy chunk)', () => {
  it('loads the file and the settings, highlights, saves with Ctrl+S, changes the theme', async () => {
    const { root, calls } = await mount(h(Editor, { path: '/www/index.php', onClose: () => {} }), [
      { status: 200, body: { content: '<?php echo "hi";', path: '/www/index.php', size: 16 } },
      { status: 200, body: { recycle_bin_enabled: true, editor_font_size: 16, editor_theme: 'vs' } },
      { status: 200, body: { message: 'File saved successfully' } },
      { status: 200, body: { recycle_bin_enabled: true, editor_font_size: 16, editor_theme: 'hc-black' } },
    ]);
    const area = root.querySelector<HTMLTextAreaElement>('textarea')!;
    expect(area.getAttribute('aria-label')).toBe('Content of index.php');
    expect(area.value).toBe('<?php echo "hi";');
    const editor = root.querySelector<HTMLElement>('.editor')!;
    expect(editor.className).toContain('theme-vs');
    expect(editor.style.fontSize).toBe('16px');
    expect(root.querySelector('.tk-keyword')?.textContent).toBe('echo');
    await act(() => {
      area.value = '<?php echo "bye";';
      area.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(root.textContent).toContain('(unsaved)');
    await act(() => {
      area.dispatchEvent(new KeyboardEvent('keydown', { key: 's', ctrlKey: true, bubbles: true }));
    });
    await settle();
    expect(calls[2]).toMatchObject({ method: 'POST', url: '/api/v1/files/write', body: { path: '/www/index.php', content: '<?php echo "bye";' } });
    expect(root.textContent).not.toContain('(unsaved)');
    const theme = root.querySelector<HTMLSelectElement>('select')!;
    await act(() => {
      theme.value = 'hc-black';
      theme.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await settle();
    expect(calls[3]).toMatchObject({ method: 'PUT', url: '/api/v1/files/config', body: { editor_theme: 'hc-black' } });
    expect(root.querySelector('.editor')!.className).toContain('theme-hc-black');
  });
  it("a file the panel will not open shows the panel's message", async () => {
    const { root } = await mount(h(Editor, { path: '/img.png', onClose: () => {} }), [envelope(400, 'VALIDATION_ERROR', 'Binary files cannot be edited'), { status: 200, body: {} }]);
    expect(root.querySelector('[role="alert"]')?.textContent).toBe('Binary files cannot be edited');
    expect(root.querySelector('textarea')).toBeNull();
  });
});
