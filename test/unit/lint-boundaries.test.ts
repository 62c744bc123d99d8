import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

// The project's own eslint.config.js, minus type information: the boundary rules read only the
// syntax, and without a TypeScript program the paths below need not exist on disk.
const eslint = new ESLint({
  cwd: root,
  overrideConfig: [{ files: ['**/*.ts', '**/*.tsx'], ...tseslint.configs.disableTypeChecked }],
});

const BOUNDARY_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax']);

/** The boundary messages ESLint gives `code` as if it were the file at `path` (from the repository root). */
async function crossings(code: string, path: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${path}`, warnIgnored: true });
  if (!result) throw new Error(`ESLint gave no result for ${path}`);
  const fatal = result.messages.find((message) => message.fatal);
  if (fatal) throw new Error(`${path}: ${fatal.message}`);
  return result.messages
    .filter((message) => message.ruleId !== null && BOUNDARY_RULES.has(message.ruleId))
    .map((message) => message.message);
}

async function expectCrossing(code: string, path: string): Promise<void> {
  const messages = await crossings(code, path);
  expect(messages, `${path}: ${code}`).toHaveLength(1);
  expect(messages[0]).toContain('docs/ARCHITECTURE.md');
}

async function expectAllowed(code: string, path: string): Promise<void> {
  expect(await crossings(code, path), `${path}: ${code}`).toEqual([]);
}

describe('lint boundaries of docs/ARCHITECTURE.md', () => {
  it('keeps electron out of src/main except its glue, type-only imports aside', async () => {
    await expectCrossing("import { app } from 'electron';\nexport const ready = app.isReady();\n", 'src/main/session.ts');
    await expectCrossing("import { ipcMain } from 'electron/main';\nexport const ipc = ipcMain;\n", 'src/main/sync/engine.ts');
    await expectCrossing("export { safeStorage } from 'electron';\n", 'src/main/settings/tokens.ts');
    await expectAllowed(
      "import type { WebPreferences } from 'electron';\nexport type Prefs = WebPreferences;\n",
      'src/main/window/security.ts',
    );
    await expectAllowed("import { join } from 'node:path';\nexport const at = join('a', 'b');\n", 'src/main/cache/store.ts');
    for (const glue of ['src/main/index.ts', 'src/main/desktop.ts', 'src/main/ipc/electron.ts', 'src/main/window/main-window.ts']) {
      await expectAllowed("import { app } from 'electron';\nexport const ready = app.isReady();\n", glue);
    }
  });

  it('keeps node, electron and src/main out of the renderer', async () => {
    const component = 'src/renderer/src/features/gallery/Thumbnail.tsx';
    await expectCrossing("import { readFile } from 'node:fs/promises';\nexport const read = readFile;\n", component);
    await expectCrossing("import path from 'path';\nexport const join = path.join;\n", 'src/renderer/src/app/media.ts');
    await expectCrossing("import { posix } from 'path/posix';\nexport const join = posix.join;\n", 'src/renderer/src/app/media.ts');
    await expectCrossing("import { ipcRenderer } from 'electron';\nexport const ipc = ipcRenderer;\n", component);
    await expectCrossing("import type { IpcRenderer } from 'electron';\nexport type Ipc = IpcRenderer;\n", component);
    await expectCrossing("import { describeError } from '../../../../main/errors';\nexport const describe = describeError;\n", component);
    await expectCrossing(
      "import type { AppServices } from '../../main/services';\nexport type S = AppServices;\n",
      'src/renderer/src/main.tsx',
    );
    await expectAllowed(
      "import { useState } from 'react';\nimport { invoke } from '../../app/bridge';\nimport { IvkImage } from '../../../../shared/models';\n" +
        'export const parts = [useState, invoke, IvkImage];\n',
      component,
    );
  });

  it('keeps electron, node and both processes out of src/shared', async () => {
    await expectCrossing("import { randomUUID } from 'node:crypto';\nexport const id = randomUUID;\n", 'src/shared/ipc.ts');
    await expectCrossing("import fs from 'fs';\nexport const read = fs.readFileSync;\n", 'src/shared/models.ts');
    await expectCrossing("import { ipcRenderer } from 'electron';\nexport const ipc = ipcRenderer;\n", 'src/shared/ipc.ts');
    await expectCrossing("import { AppError } from '../main/errors';\nexport const E = AppError;\n", 'src/shared/ipc.ts');
    await expectCrossing(
      "import { invoke } from '../../renderer/src/app/bridge';\nexport const i = invoke;\n",
      'src/shared/invokeai/images.ts',
    );
    await expectAllowed(
      "import { z } from 'zod';\nimport { IvkImage } from './models';\nexport const parts = [z, IvkImage];\n",
      'src/shared/ipc.ts',
    );
  });

  it('lets only app/bridge.ts touch window.ivk in the renderer', async () => {
    const slice = 'src/renderer/src/features/boards/boardsSlice.ts';
    await expectCrossing("export const list = () => window.ivk.invoke('boards.list', { include_archived: false });\n", slice);
    await expectCrossing("export const bridge = window['ivk'];\n", slice);
    await expectCrossing('export const bridge = globalThis.ivk;\n', slice);
    await expectCrossing("export const inElectron = 'ivk' in window;\n", 'src/renderer/src/main.tsx');
    await expectCrossing('const { ivk } = window;\nexport const bridge = ivk;\n', slice);
    await expectCrossing("Object.defineProperty(window, 'ivk', { value: {} });\n", slice);
    await expectCrossing('export function Probe() {\n  return <p>{String(window.ivk)}</p>;\n}\n', 'src/renderer/src/ui/Probe.tsx');
    await expectAllowed(
      "export const list = () => window.ivk.invoke('boards.list', { include_archived: false });\n",
      'src/renderer/src/app/bridge.ts',
    );
    // The test host's stand-in for the preload defines it, as the preload does in Electron.
    await expectAllowed("Object.defineProperty(window, 'ivk', { value: {} });\n", 'src/renderer/src/host-bridge.ts');
    await expectAllowed('export const width = window.innerWidth;\n', slice);
  });
});
