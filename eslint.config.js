import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import jsxA11y from 'eslint-plugin-jsx-a11y';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

// The boundaries of docs/ARCHITECTURE.md ("Layout", "The renderer"), enforced here so that a
// crossing fails `npm run lint`; test/unit/lint-boundaries.test.ts proves each one fires.
const SEE = 'See docs/ARCHITECTURE.md ("Layout").';

const ELECTRON_GLUE = ['src/main/index.ts', 'src/main/desktop.ts', 'src/main/ipc/electron.ts', 'src/main/window/main-window.ts'];

const electron = (message, allowTypeImports = false) => ({
  paths: [{ name: 'electron', message, allowTypeImports }],
  patterns: [{ group: ['electron/*'], message, allowTypeImports }],
});

// node:* and the bare names of builtins ('fs', 'fs/promises', 'path', ...).
const nodeBuiltins = (message) => ({
  paths: builtinModules.filter((name) => !name.startsWith('_') && !name.includes(':')).map((name) => ({ name, message })),
  patterns: [{ group: ['node:*'], message }],
});

// A relative path that climbs out of its folder and into another top-level folder of src/.
const reaching = (folders, message) => ({
  patterns: [{ regex: `^(\\.\\./)+(src/)?(${folders.join('|')})(/|$)`, message }],
});

const restrictImports = (...parts) => [
  'error',
  { paths: parts.flatMap((part) => part.paths ?? []), patterns: parts.flatMap((part) => part.patterns ?? []) },
];

const IVK_MESSAGE =
  'Only src/renderer/src/app/bridge.ts touches window.ivk; call its invoke/subscribe/pathsForFiles from a store action. ' +
  'See docs/ARCHITECTURE.md ("The renderer").';
const GLOBAL_OBJECT = '/^(window|globalThis|self)$/';
const windowIvk = [
  `MemberExpression[object.name=${GLOBAL_OBJECT}][property.name='ivk']`,
  `MemberExpression[object.name=${GLOBAL_OBJECT}][property.value='ivk']`,
  `BinaryExpression[operator='in'][left.value='ivk']`,
  `VariableDeclarator[init.name=${GLOBAL_OBJECT}] > ObjectPattern > Property[key.name='ivk']`,
  `CallExpression[callee.object.name=/^(Object|Reflect)$/][arguments.1.value='ivk']`,
].map((selector) => ({ selector, message: IVK_MESSAGE }));

export default defineConfig(
  { ignores: ['out/', 'node_modules/', '.tools/', 'bench/results/', 'docs/'] },

  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    rules: {
      // A leading underscore marks a parameter kept for its position; rest siblings drop keys from a copy.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['test/contract/**', 'test/server/**/*.test.ts', 'test/server/helpers.ts', 'test/real/**'],
    // These probe the servers' raw JSON on purpose (typed `any`): their assertions and the OpenAPI
    // validation are the type check, and a static type would assume the shape they exist to prove.
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['test/e2e/**', 'test/reliability/ui-injection.test.ts'],
    // Their Playwright evaluate() callbacks run in the page, but tsconfig.node has no DOM library,
    // so every element and window they touch is `any`.
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.test.ts'],
    // vitest types its asymmetric matchers (expect.any, objectContaining, stringMatching) as `any`.
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    files: ['src/main/**', 'src/preload/**', 'test/**', 'bench/**', 'scripts/**', '*.config.ts', '*.config.js'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['src/renderer/**/*.tsx'],
    ...reactHooks.configs.flat.recommended,
  },
  {
    files: ['src/renderer/**/*.tsx'],
    ...jsxA11y.flatConfigs.recommended,
    languageOptions: { ...jsxA11y.flatConfigs.recommended.languageOptions, globals: globals.browser },
  },

  // Files no tsconfig includes: linted without type information.
  {
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['bench/lib/*.js'],
    // Injected into the benchmarked page (page.addInitScript): browser code, not node.
    languageOptions: { sourceType: 'script', globals: globals.browser },
  },

  {
    files: ['src/main/**'],
    ignores: ELECTRON_GLUE,
    rules: {
      'no-restricted-imports': restrictImports(
        electron(
          'In src/main only the Electron glue (index.ts, desktop.ts, ipc/electron.ts, window/main-window.ts) imports electron, ' +
            `so every service runs in tests, the test host and the CLI without the Electron binary; type-only imports are fine. ${SEE}`,
          true,
        ),
      ),
    },
  },
  {
    files: ['src/renderer/**'],
    rules: {
      'no-restricted-imports': restrictImports(
        nodeBuiltins(`The renderer has no Node: it talks only to window.ivk (through app/bridge.ts). ${SEE}`),
        electron(`The renderer never imports electron: it talks only to window.ivk (through app/bridge.ts). ${SEE}`),
        reaching(
          ['main'],
          `The renderer imports nothing from src/main: ask main through app/bridge.ts (the IPC contract in src/shared/ipc.ts). ${SEE}`,
        ),
      ),
    },
  },
  {
    files: ['src/renderer/**'],
    // bridge.ts is the one door; host-bridge.ts defines window.ivk for the test host, as the preload does in Electron.
    ignores: ['src/renderer/src/app/bridge.ts', 'src/renderer/src/host-bridge.ts'],
    rules: { 'no-restricted-syntax': ['error', ...windowIvk] },
  },
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': restrictImports(
        nodeBuiltins(`src/shared is imported by both processes: no node:*. ${SEE}`),
        electron(`src/shared is imported by both processes: no electron. ${SEE}`),
        reaching(['main', 'renderer'], `src/shared imports nothing from src/main or src/renderer; they import it. ${SEE}`),
      ),
    },
  },

  prettier,
);
