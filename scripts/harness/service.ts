/** The service as `npm start` runs it, in a child process, for tests that kill or restart it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { root } from './cluster.ts';

export interface Service {
  child: ChildProcess;
  base: string;
  exited: Promise<number | null>;
  output: () => string;
}

/** Starts `server/main.ts` of the checkout at `cwd` with `env` (PORT required) and waits until /healthz answers. */
export async function startService(env: Record<string, string>, cwd = root, deadlineMs = 60_000): Promise<Service> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${env.PORT}`;
  // Poll the health endpoint: the service is up when it answers, not after a fixed wait.
  for (let i = 0; i < deadlineMs / 100; i++) {
    if (child.exitCode !== null) throw new Error(`service exited early:\n${out}`);
    const ok = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { child, base, exited, output: () => out };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`service did not come up:\n${out}`);
}

/** Signs in through the API and returns the token. */
export async function tokenFor(base: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`sign-in of ${username} failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** Signs in through the API and returns the bearer headers. */
export async function bearer(base: string, username: string, password: string): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await tokenFor(base, username, password)}` };
}
