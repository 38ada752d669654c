// Part of `npm run build`: builds the web application (web/, Vite) into dist/web, compresses its assets
// (.br/.gz for @fastify/static's preCompressed) and prints the initial-JavaScript budget. The build goes
// to a fresh folder that then replaces dist/web in two renames, so a running MediSys (or a browser test)
// never sees dist/web half-written or emptied while another build runs.
import { execFileSync } from 'node:child_process';
import { existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.join(root, 'dist/web');
const staging = path.join(root, `dist/web.building-${process.pid}`);
const retired = path.join(root, `dist/web.old-${process.pid}`);

try {
  await build({
    configFile: path.join(root, 'web/vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: staging, emptyOutDir: true },
  });
  execFileSync(process.execPath, [path.join(root, 'scripts/compress-web-assets.mjs'), staging], {
    stdio: 'inherit',
  });
  if (existsSync(target)) renameSync(target, retired);
  renameSync(staging, target);
  rmSync(retired, { recursive: true, force: true });
} finally {
  rmSync(staging, { recursive: true, force: true });
}
execFileSync(process.execPath, [path.join(root, 'scripts/check-bundle-size.mjs'), '--report-only'], {
  stdio: 'inherit',
});
