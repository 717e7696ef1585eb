/** tap's after-script: stop the embedded cluster the before-script started, and remove it. */
import fs from 'node:fs';
import path from 'node:path';
import { clusterDir, readState, stateFile, stopCluster } from '../../scripts/harness/cluster.ts';

const state = readState();
if (state.embedded) await stopCluster(clusterDir);
fs.rmSync(path.dirname(stateFile), { recursive: true, force: true });
