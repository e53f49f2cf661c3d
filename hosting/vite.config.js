import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Small modules that several pages import travel in the first bundle instead of one request
// each (on HTTP/1.1 a browser opens six connections at a time; every request costs a round trip).
const SHARED = ['load.js', 'approval-bits.js', 'project-card.js', 'forms.js'];

let entryGraph = null; // per build (see the plugin below)
/** Rollup `manualChunks`: the entry's static imports and SHARED in one chunk, the entry's. */
function withTheEntry(id, { getModuleIds, getModuleInfo }) {
  if (!entryGraph) {
    entryGraph = new Set();
    const todo = [...getModuleIds()].filter((m) => getModuleInfo(m).isEntry);
    todo.push(...[...getModuleIds()].filter((m) => SHARED.some((name) => m.endsWith(`/src/${name}`))));
    while (todo.length) {
      const m = todo.pop();
      if (entryGraph.has(m)) continue;
      entryGraph.add(m);
      todo.push(...getModuleInfo(m).importedIds);
    }
  }
  return entryGraph.has(id) ? 'index' : undefined;
}

// Vite's root is this folder (`vite build hosting`); Firebase Hosting serves `dist`.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [{ name: 'entry-graph-per-build', buildStart: () => void (entryGraph = null) }],
  publicDir: 'public',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // No inline scripts or styles anywhere: the CSP allows only 'self'.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    // Every file under assets/ is named by its content's hash (8 characters): firebase.json
    // caches exactly those for a year (`immutable`) and revalidates everything else.
    rollupOptions: {
      output: {
        manualChunks: withTheEntry,
        entryFileNames: 'assets/[name]-[hash].js',
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
  server: {
    port: 5173,
    proxy: { '/api': 'http://127.0.0.1:5000' },
  },
});
