// Edit panels are dialogs: Escape closes them, focus goes back to the
// control that opened them.
import { h } from 'preact';
import { useState } from 'preact/hooks';
import { act } from 'preact/test-utils';
import { describe, expect, it } from 'vitest';
import { click, mount, settle } from '../test/harness';
import { Section } from './page';

function Host() {
  const [open, setOpen] = useState(false);
  return h('div', {}, [
    h('button', { type: 'button', 'aria-label': 'Rename a.txt', onClick: () => setOpen(true) }, 'Rename'),
    open && h(Section, { focus: true, title: 'Rename a.txt', onClose: () => setOpen(false), children: h('input', { 'aria-label': 'New name' }) }),
  ]);
}

describe('dialog', () => {
  it('opens in a dialog, closes on Escape and gives focus back to its opener', async () => {
    const { root } = await mount(h(Host, {}));
    const opener = root.querySelector('button')!;
    opener.focus();
    await click(opener);
    const dialog = root.querySelector('[role="dialog"]')!;
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(document.getElementById(dialog.getAttribute('aria-labelledby')!)!.textContent).toBe('Rename a.txt');
    expect(dialog.contains(document.activeElement)).toBe(true);
    await act(() => {
      document.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    });
    await settle();
    expect(root.querySelector('[role="dialog"]')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });
  it('closes with its Close button', async () => {
    const { root } = await mount(h(Host, {}));
    await click(root.querySelector('button')!);
    await click(root.querySelector('button[aria-label="Close dialog: Rename a.txt"]') as HTMLElement);
    expect(root.querySelector('[role="dialog"]')).toBeNull();
  });
});
