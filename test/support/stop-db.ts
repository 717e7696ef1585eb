/** tap's after-script: stop the embedded cluster the before-script started, and remove it. */
import fs from 'node:fs';
import path from 'node:path';
import { clusterDir, outsideRunsDir, readState, stateFile, stopCluster } from '../../scripts/harness/cluster.ts';

const state = readState();
if (state.embedded) await stopCluster(state.clusterDir ?? clusterDir);
fs.rmSync(path.dirname(stateFile), { recursive: true, force: true });
// The run's folder outside the checkout, and their parent once no run is left in it.
fs.rmSync(path.join(outsideRunsDir(), String(process.ppid)), { recursive: true, force: true });
try {
  fs.rmdirSync(outsideRunsDir());
} catch {
  // other runs are still there, or the folder was never needed
}
