import { parseArgs } from 'node:util';
import { ensureBuilt } from '../../scripts/lib/ensure-build';
import { heap } from '../../src/main/heap';
import { startHost } from './host';

/** `npm run host -- --server URL --data DIR --port N [--no-validate]`: the real UI and services in a browser. */
const { values } = parseArgs({
  options: {
    server: { type: 'string', default: 'http://127.0.0.1:9090' },
    data: { type: 'string' },
    port: { type: 'string', default: '5174' },
    renderer: { type: 'string' },
    /** Answers unchecked against the contract, as Electron's IPC sends them (benchmarks). */
    'no-validate': { type: 'boolean', default: false },
  },
});

if (!values.data) {
  console.error('host: --data DIR is required (the folder for the cache and settings)');
  process.exit(2);
}

try {
  if (!values.renderer) ensureBuilt();
  // A main process, as Electron's entry makes it (src/main/heap.ts); in-process test hosts keep V8's defaults.
  heap.makeLean();
  const host = await startHost({
    serverUrl: values.server,
    dataDir: values.data,
    port: Number(values.port),
    validateOutputs: !values['no-validate'],
    ...(values.renderer ? { rendererDir: values.renderer } : {}),
  });
  console.log(`InvokeAI Gallery test host: ${host.url} (server ${values.server}, data ${values.data})`);
  const stop = () => void host.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  console.error(`host: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
