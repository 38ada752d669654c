// Part of `npm run build` (scripts/build-web.mjs): writes .br and .gz beside each text asset of the built web application, so
// that the server sends them compressed (@fastify/static preCompressed) without compressing per request.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The built web application's folder: the argument, or dist/web.
const assets = path.join(process.argv[2] ?? path.join(root, 'dist/web'), 'assets');
let written = 0;
for (const name of readdirSync(assets)) {
  if (!/\.(js|css|svg|json)$/.test(name)) continue;
  const file = path.join(assets, name);
  const content = readFileSync(file);
  if (content.length < 1024) continue;
  writeFileSync(`${file}.gz`, gzipSync(content, { level: 9 }));
  writeFileSync(
    `${file}.br`,
    brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
  );
  written += 1;
}
process.stdout.write(`compressed ${written} web asset(s) (.br, .gz)\n`);
