import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, URL } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import vue from "@vitejs/plugin-vue";
import { visualizer } from "rollup-plugin-visualizer";
import { defineConfig, type Plugin } from "vitest/config";

// The desk serves the built app from its package, so one `pip install` ships the UI.
const outDir = fileURLToPath(new URL("../src/userdesk/desk/static", import.meta.url));
// `npm run report`: the treemap of every chunk, kept out of what the desk serves.
const reportDir = fileURLToPath(new URL("./dist-report", import.meta.url));

/**
 * Brotli and gzip copies beside every text file worth compressing: the desk sends the one
 * the browser accepts (`Content-Encoding`), so nothing is compressed per request.
 */
function precompress(): Plugin {
  return {
    name: "userdesk-precompress",
    apply: "build",
    writeBundle(options, bundle) {
      const dir = options.dir ?? outDir;
      for (const [fileName, item] of Object.entries(bundle)) {
        if (!/\.(js|css|html|svg|json|txt)$/.test(fileName)) continue;
        const source = item.type === "chunk" ? item.code : item.source;
        const bytes = typeof source === "string" ? Buffer.from(source) : Buffer.from(source);
        if (bytes.length < 1024) continue;
        const path = join(dir, fileName);
        writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }));
        writeFileSync(
          `${path}.br`,
          brotliCompressSync(bytes, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: 11,
              [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
            },
          }),
        );
      }
    },
  };
}

export default defineConfig(({ mode }) => ({
  plugins: [
    vue(),
    precompress(),
    mode === "report" &&
      visualizer({
        filename: join(reportDir, "stats.html"),
        template: "treemap",
        gzipSize: true,
        brotliSize: true,
      }),
  ],
  resolve: {
    alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) },
  },
  build: {
    outDir,
    emptyOutDir: true,
    // `.vite/manifest.json`: which chunks each page pulls in, for the JavaScript budget test.
    manifest: true,
    chunkSizeWarningLimit: 700,
  },
  server: {
    // `npm run dev` beside `userdesk serve`: the API stays same-origin, as in production.
    proxy: { "/api": "http://127.0.0.1:8000" },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.spec.ts"],
    setupFiles: ["src/testing/setup.ts"],
    // `icons.spec.ts` reads the icon style sheet as text.
    css: { include: [/icons\.css/] },
  },
}));
