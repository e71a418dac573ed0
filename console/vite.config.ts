// The console's build (ADR 0032): static assets in dist/, served by the server under /_console/. Deterministic:
// content-hashed file names, no timestamps or absolute paths in the output, so `npm run build` on a clean checkout
// reproduces the committed dist/ byte for byte (.ci/run checks it with git diff).
import { defineConfig } from "vite";

export default defineConfig({
  base: "/_console/",
  // tsconfigRaw: the TypeScript settings are fixed here, so no tsconfig.json found above a file (the repository's,
  // for the shared matcher in ../src/patterns) changes the output.
  esbuild: { jsx: "automatic", legalComments: "none", tsconfigRaw: { compilerOptions: { useDefineForClassFields: true, verbatimModuleSyntax: true } } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 2000,
    modulePreload: { polyfill: false },
    rollupOptions: {
      output: {
        entryFileNames: "assets/[name]-[hash].js",
        chunkFileNames: "assets/[name]-[hash].js",
        assetFileNames: "assets/[name]-[hash][extname]",
      },
    },
  },
});
