import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

function readPackageVersion(): string {
  const manifest = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string };
  return manifest.version;
}

/** The commit this build came from: build-info.json in a release, else the checkout's HEAD. */
function readCommit(): string {
  const buildInfo = `${root}build-info.json`;
  if (existsSync(buildInfo)) {
    return (JSON.parse(readFileSync(buildInfo, 'utf8')) as { commit?: string }).commit ?? 'unknown';
  }
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
  } catch {
    return 'unknown';
  }
}

export const VERSION = readPackageVersion();
export const COMMIT = readCommit();
