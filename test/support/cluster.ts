import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the test run keeps its throwaway cluster and the address of it. */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const clusterDir = path.join(root, '.tmp', 'test-pg');
export const stateFile = path.join(root, '.tmp', 'test-db.json');
export const TEMPLATE = 'hotline_template';

export interface ClusterState {
  /** A URL to the maintenance database, used to create and drop per-test databases. */
  adminUrl: string;
  embedded: boolean;
}

export function readState(): ClusterState {
  if (!fs.existsSync(stateFile)) {
    throw new Error(`${stateFile} is missing: run the tests with \`npm test\`, whose before-script starts the database`);
  }
  return JSON.parse(fs.readFileSync(stateFile, 'utf8')) as ClusterState;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
