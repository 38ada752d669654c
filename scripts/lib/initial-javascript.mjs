// What a browser downloads before the first screen of the web application: the module scripts of the
// entry HTML, the modules it preloads, and every module those import statically (dynamic import()
// chunks load later, on navigation, and are not counted). Used by scripts/check-bundle-size.mjs.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** The JavaScript URLs the HTML loads at once: module scripts and modulepreload links. */
export function initialScriptUrls(html) {
  const urls = [];
  for (const match of html.matchAll(/<script\b[^>]*\btype=["']module["'][^>]*>/gi)) {
    const src = /\bsrc=["']([^"']+)["']/i.exec(match[0]);
    if (src) urls.push(src[1]);
  }
  for (const match of html.matchAll(/<link\b[^>]*>/gi)) {
    if (!/\brel=["']modulepreload["']/i.test(match[0])) continue;
    const href = /\bhref=["']([^"']+)["']/i.exec(match[0]);
    if (href) urls.push(href[1]);
  }
  return [...new Set(urls)];
}

/** Relative specifiers of the static imports of a (minified) ES module; `import(...)` is left out. */
export function staticImports(source) {
  const specifiers = [];
  const pattern = /\bimport\s*(?:[\w*${}\s,]+?\s*from\s*)?["'](\.{1,2}\/[^"']+)["']/g;
  for (const match of source.matchAll(pattern)) specifiers.push(match[1]);
  return specifiers;
}

/**
 * Each initial JavaScript file of the build in `webRoot` with its raw and gzipped size, following
 * static imports from the entry scripts.
 */
export function measureInitialJavaScript(webRoot) {
  const html = readFileSync(path.join(webRoot, 'index.html'), 'utf8');
  const queue = initialScriptUrls(html).map((url) =>
    path.join(webRoot, url.replace(/^\//, '').split('?')[0]),
  );
  const files = [];
  const seen = new Set();
  while (queue.length > 0) {
    const file = queue.shift();
    if (seen.has(file)) continue;
    seen.add(file);
    if (!existsSync(file))
      throw new Error(`${path.relative(webRoot, file)} is loaded by index.html but missing.`);
    const content = readFileSync(file);
    files.push({
      file: path.relative(webRoot, file),
      rawBytes: content.length,
      gzipBytes: gzipSync(content, { level: 9 }).length,
    });
    for (const specifier of staticImports(content.toString('utf8'))) {
      queue.push(path.resolve(path.dirname(file), specifier));
    }
  }
  return { files, totalGzipBytes: files.reduce((sum, entry) => sum + entry.gzipBytes, 0) };
}
