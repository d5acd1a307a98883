// Helpers for component tests: render a real component into happy-dom with
// an Api whose network is a scripted fetch (the panel itself is exercised
// by the end-to-end test, e2e/panel.e2e.mjs).
import { h, render, type ComponentChild } from 'preact';
import { act } from 'preact/test-utils';
import { Api } from '../api/client';
import type { User } from '../api/types';
import { AppContext, type AppContextValue } from '../ui/context';

export interface Call {
  method: string;
  url: string;
  body: unknown;
  headers: Record<string, string>;
}

export type Reply = { status: number; body: unknown; headers?: Record<string, string> };

// A fetch that records each call and answers from `replies` in order.
export function scriptedFetch(replies: Reply[]) {
  const calls: Call[] = [];
  const fetchFn = (async (url: string, init: RequestInit = {}) => {
    calls.push({
      method: init.method ?? 'GET',
      url,
      body: init.body ? JSON.parse(init.body as string) : undefined,
      headers: (init.headers ?? {}) as Record<string, string>,
    });
    const r = replies.shift() ?? { status: 500, body: { message: 'no scripted reply' } };
    return new Response(JSON.stringify(r.body), { status: r.status, headers: { 'Content-Type': 'application/json', ...(r.headers ?? {}) } });
  }) as unknown as typeof fetch;
  return { calls, fetch: fetchFn };
}

export const admin: User = {
  username: 'admin',
  email: 'admin@example.com',
  role: 'admin',
  status: 'active',
  creator: '',
  package: 'default',
  home_dir: '/home/admin',
  created_at: '2026-05-18T17:39:25+07:00',
};

export function envelope(status: number, code: string, message: string): Reply {
  return { status, body: { success: false, code, error: message, message, status } };
}

export async function mount(node: ComponentChild, replies: Reply[] = [], me: User = admin) {
  const net = scriptedFetch(replies);
  const api = new Api({ token: () => 'wsp_test', fetch: net.fetch });
  const r = await mountWith(node, api, me);
  return { ...r, calls: net.calls };
}

// mount() with an Api of the test's own (its fetch, sleep, retries).
export async function mountWith(node: ComponentChild, api: Api, me: User = admin) {
  const ctx: AppContextValue = { api, me, setMe: () => {}, logout: () => {}, navigate: () => {} };
  const root = document.createElement('div');
  document.body.innerHTML = '';
  document.body.appendChild(root);
  await act(() => render(h(AppContext.Provider, { value: ctx }, node), root));
  await settle(); // effects that load data on mount
  return { root, api };
}

export function field(root: HTMLElement, label: string): HTMLInputElement {
  const l = [...root.querySelectorAll('label')].find((x) => x.textContent?.trim() === label);
  if (!l) throw new Error(`no label "${label}"`);
  const id = l.getAttribute('for');
  const input = (id ? root.querySelector(`#${id}`) : l.querySelector('input')) as HTMLInputElement | null;
  if (!input) throw new Error(`label "${label}" names no control`);
  return input;
}

export async function type(input: HTMLInputElement, value: string) {
  await act(() => {
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

export async function submit(root: HTMLElement) {
  const form = root.querySelector('form')!;
  await act(async () => {
    form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
  await settle();
}

// Lets pending fetches and the renders they cause finish.
export async function settle() {
  for (let i = 0; i < 5; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
}

// The error shown for a control: the element its aria-describedby names.
export function errorFor(input: HTMLElement): string | null {
  const ids = (input.getAttribute('aria-describedby') ?? '').split(' ').filter((x) => x.endsWith('-error'));
  return ids.length ? (document.getElementById(ids[0])?.textContent ?? null) : null;
}

export function formError(root: HTMLElement): string | null {
  return root.querySelector('.form-error')?.textContent ?? null;
}

export async function click(el: HTMLElement) {
  await act(() => {
    el.click();
  });
  await settle();
}

export function button(root: HTMLElement, text: string): HTMLButtonElement {
  const b = [...root.querySelectorAll('button')].find((x) => x.textContent === text);
  if (!b) throw new Error(`no button "${text}"`);
  return b;
}
