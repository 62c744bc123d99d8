import { join } from 'node:path';
import { describeApiError } from '../api';
import { AppError } from '../errors';
import { Handoff, parametersText, type DesktopShell } from '../handoff';
import type { Handlers } from '../ipc/dispatch';
import { fetchOriginal, fetchThumbnail } from '../media';
import type { ServerSession } from '../session';
import { itemName, type ExportJob } from '../../shared/ipc';
import { ExportRunner } from './runner';
import { resolveSource } from './source';

type Channel =
  | 'images.desktop'
  | 'images.export.pickFolder'
  | 'images.export.start'
  | 'images.export.cancel'
  | 'images.export.resume'
  | 'images.export.list'
  | 'images.export.dismiss'
  | 'images.stageForDrag'
  | 'images.startDrag'
  | 'images.copy'
  | 'images.parametersText'
  | 'images.showInFolder'
  | 'images.openExternally';

/**
 * The IPC handlers of export and hand-off, for services.ts to merge in. Each server session gets
 * its own runner, journaled in that server's cache folder, so switching servers never resumes
 * one server's export with another's images.
 */
export function exportServices(options: {
  session: () => ServerSession;
  onProgress: (job: ExportJob) => void;
  shell: DesktopShell | null;
}) {
  const runners = new WeakMap<ServerSession, ExportRunner>();
  const runnerFor = (session: ServerSession): ExportRunner => {
    let runner = runners.get(session);
    if (!runner) {
      runner = new ExportRunner({
        journalDir: join(session.cache.dir, 'exports'),
        onProgress: options.onProgress,
        images: {
          entries: (names) => session.cache.exportEntries(names),
          cached: (name) => session.cache.images.read(name),
          fetch: (name) => fetchOriginal(session, name),
          online: () => session.isOnline,
          describe: describeApiError,
        },
      });
      runners.set(session, runner);
    }
    return runner;
  };
  const exports = () => runnerFor(options.session());
  const handoff = () => {
    const session = options.session();
    return new Handoff({
      cache: () => session.cache,
      online: () => session.isOnline,
      fetchFull: (name) => fetchOriginal(session, name),
      fetchThumbnail: (name) => fetchThumbnail(session, name),
      describe: describeApiError,
      exportedPath: (name) => runnerFor(session).exportedPath(name),
      shell: options.shell,
    });
  };

  const handlers: Pick<Handlers, Channel> = {
    'images.desktop': () => ({ available: options.shell !== null }),
    async 'images.export.pickFolder'() {
      if (!options.shell) return { available: false, path: null };
      return { available: true, path: await options.shell.pickFolder() };
    },
    'images.export.start'(input) {
      const cache = options.session().cache;
      const names = resolveSource(input.source, (query, limit) => cache.listImages(query, 0, limit).map(itemName));
      return exports().start({ image_names: names, out_dir: input.out_dir, pattern: input.pattern, sidecar: input.sidecar });
    },
    'images.export.cancel'(input) {
      exports().cancel(input.id);
      return { ok: true };
    },
    'images.export.resume': (input) => exports().resume(input.id),
    'images.export.list': () => exports().list(),
    async 'images.export.dismiss'(input) {
      await exports().dismiss(input.id);
      return { ok: true };
    },
    async 'images.stageForDrag'(input) {
      const staged = await handoff().stage(input.image_names);
      return { staged: staged.paths.length, missing: staged.missing };
    },
    'images.startDrag': (input) => handoff().startDrag(input.image_names),
    'images.copy': (input) =>
      options.session().cache.videoNamesAmong([input.image_name]).size > 0
        ? { done: false, path: null, reason: 'A video cannot go on the clipboard as a picture; export it or drag it out instead.' }
        : handoff().copy(input.image_name),
    'images.parametersText'(input) {
      const details = options.session().cache.imageDetails(input.image_name);
      if (!details) throw new AppError('not_found', `The image ${input.image_name} is not in the cache.`);
      return { text: parametersText(details) };
    },
    'images.showInFolder': (input) => handoff().showInFolder(input.image_name),
    'images.openExternally': (input) => handoff().openExternally(input.image_name),
  };

  return {
    handlers,
    /** The current server's export runner (the CLI waits on it). */
    runner: exports,
    /** Lets a session's running exports stop after their files in flight; they resume as interrupted. */
    stop: async (session: ServerSession = options.session()) => {
      await runners.get(session)?.stop();
    },
  };
}
