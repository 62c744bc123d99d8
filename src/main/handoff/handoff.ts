import type { DesktopResult } from '../../shared/ipc';
import type { Cache } from '../cache';

/**
 * Handing images to the rest of the desktop: dragging them out as files, copying one to the
 * clipboard, showing or opening its file. This decides which file each call uses and brings the
 * full image into the cache first; the Electron calls themselves are the `DesktopShell` that
 * desktop.ts implements in a few lines. Where there is no shell (the test host, the CLI) the
 * answer says so instead of pretending.
 */
export interface DesktopShell {
  /** The native folder dialog; null when the user cancelled it. */
  pickFolder(): Promise<string | null>;
  /** `webContents.startDrag` with these files and this icon file (the thumbnail, WebP; else the first image). */
  startDrag(files: readonly string[], icon: string): void;
  /** Puts the image file onto the clipboard; false when the OS could not read it as an image. */
  copyImage(path: string): Promise<boolean>;
  showInFolder(path: string): void;
  /** The system's viewer; resolves to an error message, '' on success (as `shell.openPath`). */
  openPath(path: string): Promise<string>;
}

export interface HandoffOptions {
  cache(): Cache;
  online(): boolean;
  fetchFull(name: string): Promise<Uint8Array>;
  fetchThumbnail(name: string): Promise<Uint8Array>;
  describe(error: unknown): string;
  /** The file of the image's latest export, if any. */
  exportedPath(name: string): string | null;
  shell: DesktopShell | null;
}

export const NO_DESKTOP = 'This needs the desktop app; the browser test host cannot hand files to the system.';

export class Handoff {
  constructor(private readonly options: HandoffOptions) {}

  /**
   * Makes sure the full images are files in the cache, fetching the missing ones (a few at a
   * time). What cannot be had (offline and not cached, or the server failed) is listed.
   */
  async stage(names: readonly string[]): Promise<{ paths: string[]; missing: string[]; reasons: string[] }> {
    const images = this.options.cache().images;
    const paths = new Map<string, string>();
    const missing: string[] = [];
    const reasons = new Set<string>();
    let next = 0;
    const worker = async () => {
      while (next < names.length) {
        const name = names[next++]!;
        if (!images.has(name)) {
          if (!this.options.online()) {
            missing.push(name);
            reasons.add('Not cached, and the server is offline.');
            continue;
          }
          try {
            await images.write(name, await this.options.fetchFull(name));
          } catch (error) {
            missing.push(name);
            reasons.add(this.options.describe(error));
            continue;
          }
        }
        paths.set(name, images.pathFor(name));
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    return { paths: names.flatMap((name) => paths.get(name) ?? []), missing, reasons: [...reasons] };
  }

  async startDrag(names: readonly string[]): Promise<DesktopResult> {
    const staged = await this.stage(names);
    const first = staged.paths[0];
    if (!first) return { done: false, path: null, reason: staged.reasons[0] ?? 'None of these images could be had.' };
    if (!this.options.shell) return { done: false, path: first, reason: NO_DESKTOP };
    this.options.shell.startDrag(staged.paths, (await this.thumbnail(names[0]!)) ?? first);
    return {
      done: true,
      path: first,
      reason: staged.missing.length ? `${staged.missing.length} could not be had: ${staged.reasons[0]}` : null,
    };
  }

  /** The image's thumbnail file, fetched when missing; null when it cannot be had (the drag then shows the image itself). */
  private async thumbnail(name: string): Promise<string | null> {
    const thumbnails = this.options.cache().thumbnails;
    if (!thumbnails.has(name)) {
      if (!this.options.online()) return null;
      try {
        await thumbnails.write(name, await this.options.fetchThumbnail(name));
      } catch {
        return null;
      }
    }
    return thumbnails.pathFor(name);
  }

  async copy(name: string): Promise<DesktopResult> {
    return this.withFile(name, async (path, shell) =>
      (await shell.copyImage(path)) ? ok(path) : { done: false, path, reason: 'The system could not read this file as an image.' },
    );
  }

  async showInFolder(name: string): Promise<DesktopResult> {
    const exported = this.options.exportedPath(name);
    if (exported) {
      if (!this.options.shell) return { done: false, path: exported, reason: NO_DESKTOP };
      this.options.shell.showInFolder(exported);
      return ok(exported);
    }
    return this.withFile(name, (path, shell) => {
      shell.showInFolder(path);
      return ok(path);
    });
  }

  async openExternally(name: string): Promise<DesktopResult> {
    return this.withFile(name, async (path, shell) => {
      const problem = await shell.openPath(path);
      return problem ? { done: false, path, reason: `The system viewer could not open it: ${problem}` } : ok(path);
    });
  }

  private async withFile(
    name: string,
    use: (path: string, shell: DesktopShell) => DesktopResult | Promise<DesktopResult>,
  ): Promise<DesktopResult> {
    const staged = await this.stage([name]);
    const path = staged.paths[0];
    if (!path) return { done: false, path: null, reason: staged.reasons[0] ?? 'The image could not be had.' };
    if (!this.options.shell) return { done: false, path, reason: NO_DESKTOP };
    return use(path, this.options.shell);
  }
}

const ok = (path: string): DesktopResult => ({ done: true, path, reason: null });
