import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  initialScriptUrls,
  measureInitialJavaScript,
  staticImports,
} from '../../scripts/lib/initial-javascript.mjs';
import { ROOT } from '../support/processes.js';

/** Runs scripts/check-bundle-size.mjs on a build folder; resolves with its exit code and output. */
async function checkBundleSize(
  webRoot: string,
  budgetKb: number,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(
    process.execPath,
    [
      path.join(ROOT, 'scripts/check-bundle-size.mjs'),
      '--web-root',
      webRoot,
      '--budget-kb',
      String(budgetKb),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { code, output };
}

describe('the initial JavaScript budget', () => {
  let webRoot: string;
  beforeAll(() => {
    webRoot = mkdtempSync(path.join(tmpdir(), 'medisys-bundle-'));
    mkdirSync(path.join(webRoot, 'assets'));
    writeFileSync(
      path.join(webRoot, 'index.html'),
      '<!doctype html><html><head><script type="module" crossorigin src="/assets/entry.js"></script>' +
        '<link rel="modulepreload" crossorigin href="/assets/preloaded.js"><link rel="stylesheet" href="/assets/a.css">' +
        '</head><body></body></html>',
    );
    // The entry imports vendor.js statically and a page lazily; only the page does not count.
    writeFileSync(
      path.join(webRoot, 'assets/entry.js'),
      'import{a as b}from"./vendor.js";const p=()=>import("./page.js");console.log(b,p);',
    );
    writeFileSync(
      path.join(webRoot, 'assets/vendor.js'),
      `export const a=${JSON.stringify('x'.repeat(5000))};`,
    );
    writeFileSync(path.join(webRoot, 'assets/preloaded.js'), 'export const c=1;');
    writeFileSync(
      path.join(webRoot, 'assets/page.js'),
      `export const big=${JSON.stringify(Math.random().toString(36).repeat(20_000))};`,
    );
  });
  afterAll(() => rmSync(webRoot, { recursive: true, force: true }));

  it('counts the entry scripts, the preloaded modules and their static imports, not lazy chunks', () => {
    expect(
      initialScriptUrls('<script type="module" src="/a.js"></script><script src="/classic.js"></script>'),
    ).toEqual(['/a.js']);
    expect(staticImports('import{x}from"./v.js";import"./side.js";const l=()=>import("./lazy.js");')).toEqual(
      ['./v.js', './side.js'],
    );
    const measured = measureInitialJavaScript(webRoot);
    expect(measured.files.map((file) => file.file).sort()).toEqual([
      'assets/entry.js',
      'assets/preloaded.js',
      'assets/vendor.js',
    ]);
    expect(measured.totalGzipBytes).toBe(measured.files.reduce((sum, file) => sum + file.gzipBytes, 0));
  });

  it('passes within the budget and fails over it, saying what to do', async () => {
    const within = await checkBundleSize(webRoot, 350);
    expect(within.code).toBe(0);
    expect(within.output).toMatch(/within budget/);
    const over = await checkBundleSize(webRoot, 0.01);
    expect(over.code).toBe(1);
    expect(over.output).toMatch(/OVER BUDGET[\s\S]*Load the new code lazily/);
  });
});
