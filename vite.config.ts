import { readdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

const api = "http://localhost:3000";
const outDir = resolve(import.meta.dirname, "dist/web");

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);
const COMPRESSIBLE = /\.(js|css|html|svg|json|txt|webmanifest)$/;

/**
 * Writes a brotli (.br) and a gzip (.gz) copy next to every text file of the build, once, at build time, so the
 * server sends the compressed bytes without compressing per request (@fastify/static `preCompressed`).
 */
const precompress = (): Plugin => ({
  name: "extramile-precompress",
  apply: "build",
  async closeBundle() {
    const files = (await readdir(outDir, { recursive: true, withFileTypes: true }))
      .filter((f) => f.isFile() && COMPRESSIBLE.test(f.name))
      .map((f) => join(f.parentPath, f.name));
    await Promise.all(
      files.map(async (file) => {
        const body = await readFile(file);
        const [br, gzipped] = await Promise.all([
          brotli(body, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
              [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
            },
          }),
          gz(body, { level: 9 }),
        ]);
        await Promise.all([writeFile(`${file}.br`, br), writeFile(`${file}.gz`, gzipped)]);
      }),
    );
  },
});

export default defineConfig({
  root: resolve(import.meta.dirname, "src/web"),
  plugins: [react(), precompress()],
  build: {
    outDir,
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  server: {
    port: 5173,
    proxy: {
      "/api": { target: api, changeOrigin: false },
      "/healthz": { target: api, changeOrigin: false },
    },
  },
});
