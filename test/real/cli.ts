/**
 * npm run invokeai -- [--port N] [--root DIR] [--populate]
 * Installs the real InvokeAI 6.14.2 when needed, starts it on 127.0.0.1, prints its URL and runs
 * until SIGINT/SIGTERM, then stops the whole server process group.
 */
import { parseArgs } from 'node:util';
import { startRealServer } from './server';
import { SetupError } from './venv';

const USAGE = 'usage: npm run invokeai -- [--port N] [--root DIR] [--populate]';

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        root: { type: 'string' },
        populate: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    console.error(`invokeai: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
    console.error(`invokeai: --port must be a number from 1 to 65535, got "${values.port}"`);
    return 2;
  }
  const server = await startRealServer({ port, root: values.root, populate: values.populate });
  if (server.populated) console.error(`populated: ${JSON.stringify(server.populated)}`);
  console.log(server.url);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.error(`invokeai: ${signal}, stopping the server`);
      await server.close();
      resolve(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
    void server.exited.then(() => {
      if (stopping) return;
      console.error(`invokeai: the server exited on its own; its log is in ${server.root}`);
      resolve(1);
    });
  });
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof SetupError ? `invokeai: ${err.message}` : err);
    process.exit(1);
  },
);
