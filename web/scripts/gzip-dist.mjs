// Writes NAME.gz beside every compressible file of dist/, so the panel can
// send precompressed bytes to clients that accept gzip (no compression at
// request time). Run by `npm run build` after `vite build`.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, constants } from 'node:zlib';

const root = new URL('../dist/', import.meta.url).pathname;
const compressible = /\.(html|js|mjs|css|svg|json|txt|map|webmanifest|ico)$/;

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (compressible.test(name)) {
      const data = readFileSync(path);
      const gz = gzipSync(data, { level: constants.Z_BEST_COMPRESSION });
      // Only worth it when it saves something.
      if (gz.length < data.length) writeFileSync(path + '.gz', gz);
    }
  }
}
walk(root);
