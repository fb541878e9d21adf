import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, URL } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import vue from "@vitejs/plugin-vue";
import { visualizer } from "rollup-plugin-visualizer";
import type { OutputBundle, OutputChunk } from "rollup";
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
        writeCompressed(join(dir, fileName), bytes);
      }
    },
  };
}

function writeCompressed(path: string, bytes: Buffer): void {
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

/** Staff pages whose code a pasted link or a reload should fetch before the app starts. */
const STAFF_ROUTES: [string, string][] = [
  // Signed-in staff who open the desk's address are sent on to Users.
  ["^/$", "src/users/UsersPage.vue"],
  ["^/users/?$", "src/users/UsersPage.vue"],
  ["^/users/[^/]+/?$", "src/users/detail/UserPage.vue"],
  ["^/audit/?$", "src/audit/AuditPage.vue"],
  ["^/events/[^/]+/?$", "src/events/EventPage.vue"],
];
/** What every signed-in page loads once the session is restored. */
const SIGNED_IN = ["src/session/auth0Start.ts", "src/session/StaffIdentity.vue"];

/**
 * A small module run before the app's entry: when this browser may hold a session (the
 * sign-in SDK's cookie or cache, or Auth0 sending the visitor back), it adds
 * `<link rel="modulepreload">` for the sign-in SDK and the page the address opens, so they
 * download while the entry chunk does rather than after it has run. A file, not inline
 * script: the desk's Content-Security-Policy allows only its own scripts. Visitors of the
 * public pages, and anyone not signed in, load nothing more.
 */
function routePreload(): Plugin {
  let source = "";
  let fileName = "";
  const chunkOf = (bundle: OutputBundle, module: string) =>
    Object.values(bundle).find(
      // The chunk holding the module: a page whose chunk its tabs share has no facade of its own.
      (item): item is OutputChunk => item.type === "chunk" && item.moduleIds.some((id) => id.endsWith(`/${module}`)),
    );
  function closure(bundle: OutputBundle, start: OutputChunk, skip: Set<string>, into: Set<string>): void {
    if (skip.has(start.fileName) || into.has(start.fileName)) return;
    into.add(start.fileName);
    for (const css of start.viteMetadata?.importedCss ?? []) into.add(css);
    for (const name of start.imports) {
      const next = bundle[name];
      if (next?.type === "chunk") closure(bundle, next, skip, into);
    }
  }
  return {
    name: "userdesk-route-preload",
    apply: "build",
    transformIndexHtml: {
      order: "post",
      handler(_html, context) {
        const bundle = context.bundle;
        if (!bundle) return [];
        const entry = Object.values(bundle).find((item): item is OutputChunk => item.type === "chunk" && item.isEntry);
        if (!entry) return [];
        const loaded = new Set<string>();
        closure(bundle, entry, new Set(), loaded);
        const files = (modules: string[]) => {
          const found = new Set<string>();
          for (const module of modules) {
            const chunk = chunkOf(bundle, module);
            if (!chunk) throw new Error(`route preload: no chunk for ${module}`);
            closure(bundle, chunk, loaded, found);
          }
          return [...found];
        };
        const routes = STAFF_ROUTES.map(([pattern, module]) => [pattern, files([module])]);
        source = [
          `const routes=${JSON.stringify(routes)},signedIn=${JSON.stringify(files(SIGNED_IN))};`,
          "const q=new URLSearchParams(location.search);",
          "const may=(q.has('state')&&(q.has('code')||q.has('error')))",
          "||document.cookie.split(';').some(c=>/^\\s*(_legacy_)?auth0\\..+\\.is\\.authenticated=/.test(c))",
          "||Object.keys(localStorage).some(k=>k.startsWith('@@auth0spajs@@'));",
          "const page=routes.find(([p])=>new RegExp(p).test(location.pathname));",
          "if(may&&page)for(const f of[...signedIn,...page[1]]){",
          "const l=document.createElement('link');",
          "if(f.endsWith('.css'))l.rel='stylesheet';else{l.rel='modulepreload';l.crossOrigin='';}",
          "l.href='/'+f;document.head.append(l);}",
          "",
        ].join("\n");
        const hash = createHash("sha256").update(source).digest("base64url").slice(0, 8);
        fileName = `assets/routes-${hash}.js`;
        return [{ tag: "script", attrs: { type: "module", src: `/${fileName}` }, injectTo: "head-prepend" }];
      },
    },
    writeBundle(options) {
      if (!fileName) return;
      const dir = options.dir ?? outDir;
      mkdirSync(join(dir, "assets"), { recursive: true });
      writeFileSync(join(dir, fileName), source);
      writeCompressed(join(dir, fileName), Buffer.from(source));
    },
  };
}

export default defineConfig(({ mode }) => ({
  plugins: [
    vue(),
    precompress(),
    routePreload(),
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
