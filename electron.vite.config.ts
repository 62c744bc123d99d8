import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY, DEV_SERVER_CONTENT_SECURITY_POLICY, metaContentSecurityPolicy } from './src/main/window/security';

const CSP_PLACEHOLDER = '%CONTENT_SECURITY_POLICY%';

/**
 * Writes the CSP meta tag of src/renderer/index.html from security.ts, the one source of the
 * policy main also sends as a header: the strict policy in the build, the dev server's variant
 * (inline styles for Vite's hot reload) under `npm start`.
 */
function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'ivk-content-security-policy',
    transformIndexHtml: {
      order: 'pre',
      handler(html, context) {
        if (!html.includes(CSP_PLACEHOLDER)) throw new Error(`index.html has no ${CSP_PLACEHOLDER} for the CSP meta tag`);
        const policy = context.server ? DEV_SERVER_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY;
        return html.replace(CSP_PLACEHOLDER, metaContentSecurityPolicy(policy));
      },
    },
  };
}

/**
 * Preloads the app's own script (main.tsx, which the small boot.ts imports once it has asked main
 * for the first screen) from index.html, so the browser fetches and compiles it while boot runs
 * instead of after. Vite preloads only an entry's static imports.
 */
export function preloadAppScript(): Plugin {
  return {
    name: 'ivk-preload-app-script',
    transformIndexHtml: {
      order: 'post',
      handler(_html, context) {
        if (!context.bundle) return [];
        const app = Object.values(context.bundle).find(
          (output) => output.type === 'chunk' && output.isDynamicEntry && output.facadeModuleId?.endsWith('/src/main.tsx'),
        );
        if (!app) throw new Error('The build has no chunk for src/main.tsx to preload');
        // Its stylesheet too: the dynamic import waits for it before the app runs.
        const styles = [...(app.viteMetadata?.importedCss ?? [])].map((file) => ({
          tag: 'link',
          attrs: { rel: 'preload', as: 'style', crossorigin: true, href: `./${file}` },
          injectTo: 'head' as const,
        }));
        return [
          { tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `./${app.fileName}` }, injectTo: 'head' },
          ...styles,
        ];
      },
    },
  };
}

export default defineConfig({
  main: {
    build: {
      // The sync's writer thread is a second entry, emitted beside index.js (sync/writer.ts finds it there).
      rollupOptions: {
        input: { index: resolve('src/main/index.ts'), 'writer-worker': resolve('src/main/sync/writer-worker.ts') },
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    // A sandboxed preload cannot require() anything but electron: bundle it into one CJS file.
    build: {
      isolatedEntries: true,
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    build: { rollupOptions: { input: { index: resolve('src/renderer/index.html') } } },
    plugins: [react(), contentSecurityPolicyMeta(), preloadAppScript()],
  },
});
