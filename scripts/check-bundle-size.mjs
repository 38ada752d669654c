// The web application's JavaScript budget: what the entry page loads before the first screen must stay
// under 350 KB gzipped (issue 5). Feature screens are lazy-loaded chunks and do not count. Run by
// `npm test` after the build; `npm run build` runs it with --report-only to print the measurement.
//   node scripts/check-bundle-size.mjs [--report-only] [--web-root dist/web] [--budget-kb 350]
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measureInitialJavaScript } from './lib/initial-javascript.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    'report-only': { type: 'boolean', default: false },
    'web-root': { type: 'string', default: path.join(root, 'dist/web') },
    'budget-kb': { type: 'string', default: '350' },
  },
});
const webRoot = path.resolve(values['web-root']);
const budgetBytes = Number(values['budget-kb']) * 1000;

if (!existsSync(path.join(webRoot, 'index.html'))) {
  process.stderr.write(`check-bundle-size: ${webRoot}/index.html is missing; run npm run build first.\n`);
  process.exit(1);
}
const { files, totalGzipBytes } = measureInitialJavaScript(webRoot);
const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`;
for (const entry of files) {
  process.stdout.write(`  ${entry.file}  ${kb(entry.rawBytes)} raw, ${kb(entry.gzipBytes)} gzipped\n`);
}
const within = totalGzipBytes <= budgetBytes;
process.stdout.write(
  `initial JavaScript: ${kb(totalGzipBytes)} gzipped in ${files.length} file(s); budget ${kb(budgetBytes)}` +
    (within ? ' (within budget)\n' : ' (OVER BUDGET)\n'),
);
if (!within && !values['report-only']) {
  process.stderr.write(
    "check-bundle-size: the first download is over budget. Load the new code lazily (a route's `lazy`, " +
      'or import() where it is used) instead of from the entry, then build again.\n',
  );
  process.exit(1);
}
