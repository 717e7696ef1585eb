/**
 * What the browser tests share: Debian's Chromium driven by playwright-core, the
 * app listening on a real port, a page signed in through the login page, the
 * problems it reported (page errors, console errors, failed requests) and
 * screenshots under .tmp/screenshots/ (git-ignored).
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createUser } from '../../db/queries/users.ts';
import { ROLE_LABELS, type Role } from '../../server/core/access.ts';
import type { TestApp } from './app.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SHOTS = path.join(import.meta.dirname, '..', '..', '.tmp', 'screenshots');

export async function launch(t: { teardown(fn: () => unknown): void }): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    // hotline.test is a desk network's host name for the loopback server: a plain-http
    // origin the browser does not treat as secure, as a LAN address would be.
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--host-resolver-rules=MAP hotline.test 127.0.0.1',
    ],
  });
  t.teardown(() => browser.close());
  fs.mkdirSync(SHOTS, { recursive: true });
  return browser;
}

export async function baseUrl(h: TestApp, hostName = '127.0.0.1'): Promise<string> {
  if (!h.app.server.listening) await h.app.listen({ port: 0, host: '127.0.0.1' });
  const address = h.app.server.address();
  if (!address || typeof address === 'string') throw new Error('not listening on TCP');
  return `http://${hostName}:${address.port}`;
}

let userSeq = 0;

/**
 * A page signed in through the login page as a new user of the given roles and
 * unit, then sent on to `target`. Page errors, console errors (CSP refusals among
 * them) and failed requests are collected in `problems`.
 */
export async function openAs(
  browser: Browser,
  t: { teardown(fn: () => unknown): void },
  h: TestApp,
  roles: Role[],
  unitId: string,
  target: string,
  hostName?: string,
) {
  const base = await baseUrl(h, hostName);
  const username = `web${process.pid}-${++userSeq}`;
  const password = `pw-${username}-secret`;
  await createUser(h.db.db, { username, displayName: `测试${roles.map((r) => ROLE_LABELS[r]).join('、')}`, unitId, roles, password });
  // A workstation zone far from Beijing: the pages must still show Beijing time.
  const context: BrowserContext = await browser.newContext({
    locale: 'zh-CN',
    timezoneId: 'America/New_York',
    viewport: { width: 1280, height: 900 },
  });
  t.teardown(() => context.close());
  const page = await context.newPage();
  const problems: string[] = [];
  const sent: Record<string, unknown>[] = [];
  page.on('websocket', (ws) => ws.on('framesent', (f) => sent.push(JSON.parse(String(f.payload)))));
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => msg.type() === 'error' && problems.push(`console: ${msg.text()}`));
  page.on('requestfailed', (req) => {
    // A search or classification superseded by the next keystroke is aborted on purpose.
    if (req.failure()?.errorText === 'net::ERR_ABORTED' && /\/api\/(classify|kb\/search)/.test(req.url())) return;
    problems.push(`requestfailed: ${req.url()} ${req.failure()?.errorText}`);
  });
  await page.goto(`${base}${target}`);
  // Not signed in: every staff page sends us to the login page, which brings us back.
  await page.waitForURL(/\/login\.html\?next=/);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('#login-submit');
  await page.waitForURL(`${base}${target}`);
  return { page, base, problems, sent };
}

export const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

/** Codes the API speaks that a person must never read on a page (names exist for all of them). */
export const RAW_CODES =
  /\b(urban|env|utility|housing|estate|transport|labor|health|edu|market|police|civil|rural|gov|culture|telecom|safety|finance|other)\.[a-z_]+\b|\b(received|accepted|dispatched|claimed|replied|closed|consultation|complaint|suggestion|normal|urgent)\b|\b1201\d{5,8}\b/;

/** The visible text of the page with what is allowed to contain digits and Latin (order numbers, phone numbers) left in. */
export const visibleText = (page: Page) => page.evaluate(() => document.body.innerText);
