/**
 * The app's main-process services in a process of their own, for tests that kill it with SIGKILL:
 *
 *   node --import tsx test/reliability/support/child-app.ts <dataDir> <serverUrl>
 *
 * It builds the services exactly as Electron does (createAppServices, the real cache file), starts
 * them, and then answers one JSON line per request on stdin: `{id, channel, input}` goes through
 * the real IPC `dispatch`; `sync` waits for a complete sync, `metadataIdle` for the prompts
 * backfill, `stop` stops the services and exits. Every event and answer is one line on stdout.
 */
import { createInterface } from 'node:readline';
import { dispatch } from '../../../src/main/ipc/dispatch';
import { createAppServices } from '../../../src/main/services';
import { memoryTokens } from '../../../src/main/settings/settings';
import { encodeWire } from '../../../src/shared/wire-json';

const [dataDir, serverUrl] = process.argv.slice(2);
if (!dataDir || !serverUrl) throw new Error('usage: child-app.ts <dataDir> <serverUrl>');

const send = (message: unknown) => process.stdout.write(`${encodeWire(message)}\n`);

const services = createAppServices({ rootDir: dataDir, serverUrl, tokens: memoryTokens(null), probeIntervalMs: 100 });
services.onEvent((name, payload) => send({ type: 'event', name, payload }));
await services.start();
send({ type: 'ready', pid: process.pid });

createInterface({ input: process.stdin }).on('line', (line) => {
  const request = JSON.parse(line) as { id: number; channel: string; input?: unknown };
  void (async () => {
    try {
      let value: unknown;
      if (request.channel === 'sync') value = await services.session().syncNow();
      else if (request.channel === 'metadataIdle') value = await services.session().sync.metadataIdle();
      else if (request.channel === 'stop') {
        await services.stop();
        send({ type: 'result', id: request.id, envelope: { ok: true, value: null } });
        process.exit(0);
      } else {
        send({
          type: 'result',
          id: request.id,
          envelope: await dispatch(services.handlers, request.channel, request.input ?? {}, { describeError: services.describeError }),
        });
        return;
      }
      send({ type: 'result', id: request.id, envelope: { ok: true, value } });
    } catch (error) {
      send({ type: 'result', id: request.id, envelope: { ok: false, error: { code: 'internal', message: String(error) } } });
    }
  })();
});
