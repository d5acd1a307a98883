/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// The panel serves web/dist itself (src/http/static_files.cpp); during
// development `npm run dev` proxies the API to a running panel instead.
const panel = process.env.WSP_PANEL ?? 'http://127.0.0.1:2083';

export default defineConfig({
  // Preact's automatic JSX runtime (tsconfig sets the same for tsc).
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    target: 'es2022',
    // Hashed names under /assets/ are what the panel caches for a year.
    assetsDir: 'assets',
    sourcemap: false,
  },
  server: {
    proxy: { '/api': { target: panel, changeOrigin: true, secure: false } },
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
