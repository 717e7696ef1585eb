import { availableParallelism } from 'node:os';
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));

/** scrypt is memory-hard: N=2^15, r=8 costs 32 MiB per guess. Parameters travel with the hash. */
const N = 2 ** 15;
const r = 8;
const p = 1;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, 32, { N, r, p, maxmem: 64 * 2 ** 20 });
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

let started = 0;
/** How many verifications this process has started: lets a test see that a refusal hashed nothing. */
export const verificationsStarted = () => started;

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, rr, pp, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  started++;
  const expected = Buffer.from(hash, 'base64');
  const key = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(rr),
    p: Number(pp),
    maxmem: 64 * 2 ** 20,
  });
  return timingSafeEqual(key, expected);
}

let decoy: Promise<string> | undefined;
/** A hash to verify against when the user does not exist, so the answer's timing does not tell. */
export const decoyHash = () => (decoy ??= hashPassword(randomBytes(12).toString('hex')));

/**
 * Who may hash next. Each scrypt holds a libuv thread and a core for a fifth of a
 * second, and libuv has four threads for everyone (files, DNS, zlib): run at most
 * `concurrency` at once, let no key (a client address) hold more than `perKey`
 * places, and queue past at most `maxWaiting`; the rest are refused at once
 * rather than queued. A clean attempt (the caller says what that is; only one per
 * key at a time) goes ahead of every suspect one, so a real user's sign-in waits
 * for the hashes already running, not for a flood queued before it.
 */
export class HashGate {
  readonly concurrency: number;
  private readonly perKey: number;
  private readonly maxWaiting: number;
  private running = 0;
  private readonly clean: (() => void)[] = [];
  private readonly suspect: (() => void)[] = [];
  private readonly held = new Map<string, number>();
  private readonly cleanKeys = new Set<string>();

  constructor(opts: { concurrency: number; perKey: number; maxWaiting: number }) {
    this.concurrency = opts.concurrency;
    this.perKey = opts.perKey;
    this.maxWaiting = opts.maxWaiting;
  }

  /** Whether an attempt of this key would be refused now: lets a caller refuse before any other work. */
  full(key: string): boolean {
    return (
      (this.held.get(key) ?? 0) >= this.perKey ||
      (this.running >= this.concurrency && this.clean.length + this.suspect.length >= this.maxWaiting)
    );
  }

  /** Runs `fn` when its turn comes; null (at once) when the key or the queue is full. */
  run<T>(key: string, clean: boolean, fn: () => Promise<T>): Promise<T> | null {
    if (this.full(key)) return null;
    const mine = this.held.get(key) ?? 0;
    const mustWait = this.running >= this.concurrency;
    const urgent = clean && !this.cleanKeys.has(key);
    this.held.set(key, mine + 1);
    if (urgent) this.cleanKeys.add(key);
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.running++;
        Promise.resolve()
          .then(fn)
          .then(resolve, reject)
          .finally(() => {
            this.running--;
            const left = this.held.get(key)! - 1;
            if (left > 0) this.held.set(key, left);
            else this.held.delete(key);
            if (urgent) this.cleanKeys.delete(key);
            this.next();
          });
      };
      if (!mustWait) start();
      else (urgent ? this.clean : this.suspect).push(start);
    });
  }

  private next(): void {
    while (this.running < this.concurrency) {
      const start = this.clean.shift() ?? this.suspect.shift();
      if (!start) return;
      start();
    }
  }
}

/**
 * The process's one gate for sign-ins: the thread pool is per process. One core
 * stays free for the event loop and PostgreSQL (on two cores, one hash at a time).
 */
export const LOGIN_GATE = new HashGate({
  concurrency: Math.max(1, Math.min(4, availableParallelism() - 1)),
  perKey: 8,
  maxWaiting: 256,
});
