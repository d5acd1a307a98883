// Issue 17: the login form, stale errors, previews.
import { h } from 'preact';
import { describe, expect, it } from 'vitest';
import { Api } from '../api/client';
import { envelope, field, formError, scriptedFetch, settle, submit, type } from '../test/harness';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { Login } from './Login';
import { previewKind } from '../files/preview';

async function mountLogin(replies: Parameters<typeof scriptedFetch>[0]) {
  const net = scriptedFetch(replies);
  const api = new Api({ token: () => null, fetch: net.fetch });
  const root = document.createElement('div');
  document.body.innerHTML = '';
  document.body.appendChild(root);
  await act(() => render(h(Login, { api, onLogin: () => {} }), root));
  await settle();
  return root;
}

describe('login', () => {
  it('focuses Username, explains the growing delay after failures, and drops a stale error on edit', async () => {
    const bad = envelope(401, 'UNAUTHORIZED', 'Invalid credentials');
    const root = await mountLogin([bad, bad]);
    expect(document.activeElement).toBe(field(root, 'Username'));
    await type(field(root, 'Username'), 'ann');
    await type(field(root, 'Password'), 'wrong-one');
    await submit(root);
    expect(formError(root)).toBe('Invalid credentials');
    expect(root.textContent).not.toMatch(/a little later/);
    await submit(root);
    expect(root.textContent).toMatch(/a little later \(up to 8 seconds\)/);
    await type(field(root, 'Password'), 'another');
    expect(formError(root)).toBeNull();
  });
});

describe('previews', () => {
  it('images and PDFs preview, other files edit', () => {
    expect(previewKind('logo.PNG')).toBe('image');
    expect(previewKind('a.jpeg')).toBe('image');
    expect(previewKind('doc.pdf')).toBe('pdf');
    expect(previewKind('index.php')).toBeNull();
  });
});

import Editor from '../files/Editor';
import { button, click, mount } from '../test/harness';

describe('editor', () => {
  it('never shows Saved and (unsaved) together', async () => {
    const { root } = await mount(h(Editor, { path: '/a.txt', onClose: () => {} }), [
      { status: 200, body: { path: '/a.txt', content: 'one' } },
      { status: 200, body: { recycle_bin_enabled: true, editor_font_size: 14, editor_theme: 'vs-dark' } },
      { status: 200, body: { message: 'saved' } },
    ]);
    const area = root.querySelector('textarea') as HTMLTextAreaElement;
    await type(area as unknown as HTMLInputElement, 'two');
    expect(root.textContent).toContain('(unsaved)');
    await click(button(root, 'Save'));
    expect(root.textContent).toMatch(/Saved at/);
    expect(root.textContent).not.toContain('(unsaved)');
    await type(area as unknown as HTMLInputElement, 'three');
    expect(root.textContent).toContain('(unsaved)');
    expect(root.textContent).not.toMatch(/Saved at/);
  });
});
