import path from 'node:path';

/** Raised for a release that cannot be packed or does not verify; the message says what to do next. */
export class ReleaseError extends Error {
  override name = 'ReleaseError';
}

/** Semantic version, as in package.json (pre-release and build suffixes allowed). */
export const VERSION_PATTERN = /^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/;

/** `medisys-v2.0.0.tar.gz`, the manual's name for a release package. */
export function releaseFileName(version: string): string {
  return `medisys-v${version}.tar.gz`;
}

/** The version a release file name carries, or undefined when the name is not a release's. */
export function versionOfReleaseFile(file: string): string | undefined {
  const match = /^medisys-v(.+)\.tar\.gz$/.exec(path.basename(file));
  return match && VERSION_PATTERN.test(match[1]!) ? match[1] : undefined;
}

/** What `build-info.json` at the root of a release records (src/server/version.ts reads its commit). */
export interface BuildInfo {
  readonly name: string;
  readonly version: string;
  readonly commit: string;
  readonly builtAt: string;
  /** Native modules (argon2) are built for this Node ABI, platform and architecture. */
  readonly node: string;
  readonly nodeModulesAbi: string;
  readonly platform: string;
  readonly arch: string;
}

/**
 * Files a release cannot run or be operated without: the CLI and server, the migrations, the scripts
 * deploy.sh and the manual call, the deployment files and the sample configuration.
 */
export const REQUIRED_FILES = [
  'package.json',
  'package-lock.json',
  'build-info.json',
  'bin/medisys.js',
  'dist/cli/main.js',
  'dist/server/main.js',
  'dist/embedded-template.tar',
  'scripts/deploy.sh',
  'scripts/rollback.sh',
  'scripts/health-check.sh',
  'scripts/smoke-tests.sh',
  'scripts/lib/datasource-kind.mjs',
  'deploy/systemd/medisys-app@.service',
  'deploy/haproxy/haproxy.cfg',
  'config/production.properties.example',
] as const;

/** Top-level paths a release is made of, besides the production node_modules (optional ones may be absent). */
export const RELEASE_PATHS = {
  required: [
    'bin',
    'dist',
    'migrations',
    'scripts',
    'deploy',
    'config/production.properties.example',
    'package-lock.json',
  ],
  optional: ['resources', 'docs', 'README.md', 'web/dist'],
} as const;
