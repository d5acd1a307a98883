// End-to-end: the real panel binary serving the built interface, driven in
// Debian's headless Chromium through playwright-core. Logs in, creates an
// API key (secret shown once, and it works against the API), adds a domain,
// creates a user, visits every main page (a screenshot of each, desktop and
// phone), and logs out (the session token no longer works).
//
//   node e2e/panel.e2e.mjs BUILD/wispanel ARTIFACT_DIR
//
// Exit 77 (CTest: skipped) when Chromium, node_modules or web/dist is missing.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const webDir = resolve(here, '..');
const binary = resolve(process.argv[2] ?? join(webDir, '..', 'build', 'wispanel'));
const artifacts = resolve(process.argv[3] ?? join(webDir, '..', 'build', 'web-artifacts'));
const chromiumPath = process.env.WSP_CHROMIUM ?? '/usr/bin/chromium';

function skip(why) {
  console.log(`SKIPPED: ${why}`);
  process.exit(77);
}
if (!existsSync(chromiumPath)) skip(`${chromiumPath} is missing (install Debian's chromium: bash scripts/deps.sh)`);
if (!existsSync(join(webDir, 'node_modules', 'playwright-core'))) skip('web/node_modules is missing (run make web)');
if (!existsSync(join(webDir, 'dist', 'index.html'))) skip('web/dist is not built (run make web)');
if (!existsSync(binary)) throw new Error(`no panel binary at ${binary}`);

const { chromium } = await import('playwright-core');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let step = 'start';
const log = (s) => {
  step = s;
  console.log(`[e2e] ${s}`);
};
function expect(cond, what) {
  if (!cond) throw new Error(`expectation failed: ${what}`);
}

async function startPanel(dataDir) {
  const args = [
    'serve',
    '--data-dir', dataDir,
    '--listen', '127.0.0.1:0',
    '-c', 'server.tls=false',
    '-c', `web.dir=${join(webDir, 'dist')}`,
    '-c', 'rate_limit.requests_per_minute=1000000',
    // No managed servers (their default ports could clash with other
    // suites; the areas' own tests drive them): FTP accounts are still kept,
    // and the Databases page shows the panel's 503 message.
    '-c', 'ftp.enabled=false',
    '-c', 'mariadb.mode=off',
    '-c', 'pma.enabled=false',
  ];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const portFile = join(dataDir, 'run', 'http.port');
  // Up to 60 s: managed components (MariaDB ...) may start with the panel.
  for (let i = 0; i < 1200; i++) {
    if (child.exitCode !== null) throw new Error(`panel exited early:\n${output}`);
    if (existsSync(portFile)) {
      const port = Number(readFileSync(portFile, 'utf8').trim());
      if (port > 0) {
        try {
          const r = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
          if (r.ok) return { child, port, output: () => output };
        } catch {
          /* not yet */
        }
      }
    }
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`panel did not answer:\n${output}`);
}

async function stopPanel(panel) {
  if (!panel || panel.child.exitCode !== null) return;
  panel.child.kill('SIGTERM');
  for (let i = 0; i < 100 && panel.child.exitCode === null; i++) await sleep(50);
  if (panel.child.exitCode === null) panel.child.kill('SIGKILL');
}

const dataDir = mkdtempSync(join(tmpdir(), 'wsp-e2e-'));
const profileDir = mkdtempSync(join(tmpdir(), 'wsp-e2e-chromium-'));
mkdirSync(artifacts, { recursive: true });
rmSync(join(artifacts, 'failure.png'), { force: true });
let panel;
let context;
const problems = [];
let failed = false;
try {
  panel = await startPanel(dataDir);
  const base = `http://127.0.0.1:${panel.port}`;
  const adminPassword = readFileSync(join(dataDir, 'initial-admin-password'), 'utf8').trim();
  const api = (path, token, init = {}) =>
    fetch(base + '/api/v1' + path, { ...init, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...(init.headers ?? {}) } });

  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    viewport: { width: 1280, height: 860 },
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(10_000);
  // API errors are the interface's business (each is asserted on the page);
  // a failed static file, a script error or a CSP violation is a bug.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (!r.url().includes('/api/v1/') && r.status() >= 400) problems.push(`static ${r.status()}: ${r.url()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // Confirmation dialogs (delete, revoke) are accepted.
  page.on('dialog', (d) => void d.accept());
  const shot = async (name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
  const nav = (label) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
  const heading = (name) => page.getByRole('heading', { level: 1, name }).waitFor();
  // The error a control shows: its aria-describedby target.
  const errorOf = async (locator) => {
    const ids = ((await locator.getAttribute('aria-describedby')) ?? '').split(' ').filter((x) => x.endsWith('-error'));
    return ids.length ? page.locator(`[id="${ids[0]}"]`).textContent() : null;
  };

  log('the login page loads and is interactive');
  // Time from navigation start to the app's 'wsp-interactive' mark (first
  // render done, handlers attached), median of three loads.
  const times = [];
  for (let i = 0; i < 3; i++) {
    await page.goto(base + '/');
    await page.getByLabel('Username').waitFor();
    times.push(await page.evaluate(() => performance.getEntriesByName('wsp-interactive')[0]?.startTime ?? Infinity));
  }
  const interactiveMs = Math.round(times.sort((a, b) => a - b)[1]);
  console.log(`[e2e] first page interactive in ${interactiveMs} ms (median of ${times.map(Math.round).join(', ')}; budget 1000 ms)`);
  expect(interactiveMs < 1000, `first page interactive in ${interactiveMs} ms, over the 1 s budget`);
  await shot('01-login');

  log('empty submit: messages next to the fields, no request');
  await page.getByRole('button', { name: 'Log in' }).click();
  expect((await errorOf(page.getByLabel('Username'))) === 'Username is required', 'username required shown on the field');

  log('a wrong password shows the panel message');
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('alert').filter({ hasText: 'Invalid credentials' }).waitFor();

  log('log in');
  await page.getByLabel('Password').fill(adminPassword);
  await page.getByRole('button', { name: 'Log in' }).click();
  await heading('Domains');
  const sessionToken = await page.evaluate(() => JSON.parse(sessionStorage.getItem('wsp.session')).token);
  expect((await api('/auth/me', sessionToken)).status === 200, 'the session token works');
  expect(await page.evaluate(() => localStorage.length === 0 && document.cookie === ''), 'nothing in localStorage or cookies');

  log('create an API key: the secret is shown once and works');
  await nav('API keys');
  await heading('API keys');
  await page.getByLabel('Name').fill('e2e key');
  await page.getByRole('checkbox', { name: /^domains/ }).check();
  await page.getByLabel('Allowed IP addresses').fill('10.0.0.0/8, 999.1.1.1');
  await page.getByRole('button', { name: 'Create key' }).click();
  expect(
    (await errorOf(page.getByLabel('Allowed IP addresses'))) === "'999.1.1.1' is not an IP address or CIDR range",
    'bad IP refused on its field',
  );
  await page.getByLabel('Allowed IP addresses').fill('127.0.0.1, 10.0.0.0/8');
  await page.getByRole('button', { name: 'Create key' }).click();
  const secretBox = page.getByLabel('Secret key');
  await secretBox.waitFor();
  const secret = await secretBox.inputValue();
  expect(/^wsp_[0-9a-f]{48}$/.test(secret), `secret shape: ${secret}`);
  await page.getByRole('button', { name: 'Copy' }).click();
  await page.getByText(/Copied to the clipboard|Selected: press/).waitFor();
  const row = page.getByRole('row', { name: /e2e key/ });
  await row.waitFor();
  expect((await row.textContent()).includes(secret.slice(0, 12)), 'the list shows the key prefix');
  expect(!(await row.textContent()).includes(secret), 'the list never shows the secret');
  await shot('02-api-keys-secret');
  const viaKey = await api('/domains', secret);
  expect(viaKey.status === 200, `the shown secret works as a Bearer token (got ${viaKey.status})`);
  await page.getByRole('button', { name: 'I have saved it' }).click();
  await page.reload();
  await heading('API keys');
  await page.getByRole('row', { name: /e2e key/ }).waitFor();
  expect(!(await page.content()).includes(secret), 'the secret is gone after it was dismissed');

  log('disable and enable the key');
  await page.getByRole('button', { name: 'Disable key e2e key' }).click();
  await page.getByRole('button', { name: 'Enable key e2e key' }).waitFor();
  expect((await api('/domains', secret)).status === 401, 'a disabled key is refused');
  await page.getByRole('button', { name: 'Enable key e2e key' }).click();
  await page.getByRole('button', { name: 'Disable key e2e key' }).waitFor();
  await shot('03-api-keys');

  log('add a domain; a duplicate shows the panel message on the field');
  await nav('Domains');
  await heading('Domains');
  await page.getByLabel('Domain', { exact: true }).fill('e2e-example.com');
  await page.getByRole('button', { name: 'Add domain' }).click();
  await page.getByRole('cell', { name: 'e2e-example.com', exact: true }).waitFor();
  await page.getByLabel('Domain', { exact: true }).fill('e2e-example.com');
  await page.getByRole('button', { name: 'Add domain' }).click();
  await page.getByText('Domain already exists').waitFor();
  expect((await errorOf(page.getByLabel('Domain', { exact: true }))) === 'Domain already exists', 'conflict shown on the domain field');
  const domains = await (await api('/domains', sessionToken)).json();
  expect(domains.some((d) => d.domain === 'e2e-example.com'), 'the domain exists in the API');
  await shot('04-domains');

  log('create a user, suspend and unsuspend it, edit its email');
  await nav('Users');
  await heading('Users');
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Email').fill('alice@example.com');
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create user' }).click();
  expect((await errorOf(page.getByLabel('Password'))) === 'Password must be at least 8 characters', 'short password refused on its field');
  await page.getByLabel('Password').fill('alice-password-1');
  await page.getByRole('button', { name: 'Create user' }).click();
  await page.getByRole('cell', { name: 'alice@example.com', exact: true }).waitFor();
  await page.getByRole('button', { name: 'Suspend alice' }).click();
  await page.getByRole('button', { name: 'Unsuspend alice' }).waitFor();
  await page.getByRole('button', { name: 'Unsuspend alice' }).click();
  await page.getByRole('button', { name: 'Suspend alice' }).waitFor();
  await page.getByRole('button', { name: 'Edit alice' }).click();
  await page.getByRole('heading', { name: 'Edit alice' }).waitFor();
  const editForm = page.locator('form', { has: page.getByRole('button', { name: 'Save' }) });
  await editForm.getByLabel('Email').fill('alice@example.org');
  await editForm.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('cell', { name: 'alice@example.org', exact: true }).waitFor();
  const alice = await (await api('/users/alice', sessionToken)).json();
  expect(alice.status === 'active' && alice.email === 'alice@example.org', 'alice exists, is active, has the new email');
  await shot('05-users');

  log('health');
  await nav('Health');
  await heading('Health');
  await page.getByText('store').waitFor();
  await shot('06-health');

  log('FTP: create an account with a generated password, disable and enable it');
  await nav('FTP');
  await heading('FTP');
  await page.getByLabel('Username').fill('deploy');
  await page.getByRole('button', { name: 'Generate' }).click();
  expect((await page.getByLabel('Password').inputValue()).length === 20, 'a generated password');
  await page.getByLabel('Home directory').fill('sites/e2e');
  await page.getByRole('button', { name: 'Create FTP account' }).click();
  await page.getByRole('cell', { name: 'admin_deploy', exact: true }).waitFor();
  await page.getByRole('button', { name: 'Disable admin_deploy' }).click();
  await page.getByRole('button', { name: 'Enable admin_deploy' }).waitFor();
  const ftp = await (await api('/ftp/admin_deploy', sessionToken)).json();
  expect(ftp.enabled === false && ftp.home_dir.endsWith('/sites/e2e'), `the account as the API sees it: ${JSON.stringify(ftp)}`);
  await page.getByRole('button', { name: 'Enable admin_deploy' }).click();
  await page.getByRole('button', { name: 'Disable admin_deploy' }).waitFor();
  await page.getByLabel('Username').fill('x');
  await page.getByRole('button', { name: 'Create FTP account' }).click();
  expect((await errorOf(page.getByLabel('Username'))) === 'Username must be at least 2 characters', 'short FTP name refused on its field');
  await shot('08-ftp');

  log('the area pages render (their APIs arrive with their branches)');
  for (const [label, title, file] of [
    ['Databases', 'Databases', '07-databases'],
    ['Cron', 'Cron jobs', '09-cron'],
    ['Files', 'Files', '10-files'],
    ['Account', 'Account', '11-account'],
  ]) {
    await nav(label);
    await heading(title);
    await page.waitForLoadState('networkidle');
    await shot(file);
  }

  log('deep link and reload keep the page');
  await page.goto(base + '/domains');
  await heading('Domains');

  log('phone-sized screen: the menu opens the navigation');
  await page.setViewportSize({ width: 390, height: 844 });
  const menu = page.getByRole('button', { name: 'Menu' });
  await menu.click();
  expect((await menu.getAttribute('aria-expanded')) === 'true', 'menu expanded');
  await shot('12-phone-menu');
  await nav('API keys');
  await heading('API keys');
  await shot('13-phone-api-keys');
  await page.setViewportSize({ width: 1280, height: 860 });

  log('keyboard: focus lands on the page heading; Shift+Tab reaches the navigation, Enter follows it');
  await page.goto(base + '/health');
  await heading('Health');
  const focused = await page.evaluate(() => `${document.activeElement?.tagName} ${document.activeElement?.textContent}`);
  expect(focused === 'H1 Health', `the heading has focus after navigation (got ${focused})`);
  await page.keyboard.press('Shift+Tab');
  const link = await page.evaluate(() => document.activeElement?.textContent);
  expect(link === 'Account', `Shift+Tab reaches the last navigation link (got ${link})`);
  await page.keyboard.press('Enter');
  await heading('Account');

  log('log out: back to the login page, the session token is revoked');
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByRole('button', { name: 'Log in' }).waitFor();
  expect(await page.evaluate(() => sessionStorage.getItem('wsp.session') === null), 'session forgotten');
  expect((await api('/auth/me', sessionToken)).status === 401, 'the old session token no longer works');
  await shot('14-logged-out');

  log('a user (not admin) sees no Users page and only its own domains');
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill('alice-password-1');
  await page.getByRole('button', { name: 'Log in' }).click();
  await heading('Domains');
  const mainNav = page.getByRole('navigation', { name: 'Main' });
  expect((await mainNav.getByRole('link', { name: 'Users', exact: true }).count()) === 0, 'no Users link for a user');
  await page.getByText('Nothing here yet.').waitFor();
  await page.goto(base + '/users');
  await heading('Domains');
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByRole('button', { name: 'Log in' }).waitFor();

  expect(problems.length === 0, `browser problems:\n${problems.join('\n')}`);
  console.log(`[e2e] PASSED; screenshots in ${artifacts}`);
} catch (e) {
  failed = true;
  console.error(`[e2e] FAILED at "${step}": ${e.stack ?? e}`);
  if (problems.length) console.error(`[e2e] browser problems:\n${problems.join('\n')}`);
  try {
    await context?.pages()[0]?.screenshot({ path: join(artifacts, 'failure.png'), fullPage: true });
    console.error(`[e2e] failure screenshot: ${join(artifacts, 'failure.png')}`);
  } catch {
    /* no page */
  }
  if (panel) console.error(`[e2e] panel output (tail):\n${panel.output().slice(-4000)}`);
} finally {
  await context?.close().catch(() => {});
  await stopPanel(panel);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(profileDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
