import { createHash } from 'node:crypto';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { runTool } from '../backup/processes.js';
import {
  RELEASE_PATHS,
  ReleaseError,
  releaseFileName,
  VERSION_PATTERN,
  type BuildInfo,
} from './release-contents.js';

export interface PackOptions {
  /** The MediSys package root to pack (a built checkout). */
  readonly root: string;
  /** Where the .tar.gz and its .sha256 go (created if missing). */
  readonly outDir: string;
  /** Overrides package.json's version (the packed package.json then says this version). */
  readonly version?: string;
  /** Replace an existing package of the same version. */
  readonly force?: boolean;
  /** Told each step, and the compressed bytes written so far while archiving. */
  readonly onProgress?: (event: PackProgress) => void;
}

export type PackProgress =
  { readonly kind: 'step'; readonly message: string } | { readonly kind: 'bytes'; readonly written: number };

export interface PackResult {
  readonly file: string;
  readonly checksumFile: string;
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly version: string;
  readonly dependencyCount: number;
}

/** Runs a command and resolves with its standard output (rejects, with its error output, on failure). */
export async function capture(command: string, args: string[]): Promise<string> {
  const tool = runTool(command, args, process.env, 'ignore');
  let stdout = '';
  tool.child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  await tool.done;
  return stdout;
}

/**
 * The production dependencies as top-level paths under node_modules, from `npm ls --omit=dev`: the
 * installed, tested tree (native modules included), without a download. A package nested inside a
 * production package is production too, so it travels with its parent.
 */
async function productionDependencyPaths(root: string): Promise<string[]> {
  let listing: string;
  try {
    listing = await capture('npm', ['ls', '--omit=dev', '--parseable', '--all', '--prefix', root]);
  } catch (error) {
    throw new ReleaseError(
      `npm ls found problems in ${root}/node_modules (${(error as Error).message}). Run \`npm ci\` so node_modules matches package-lock.json, then pack again.`,
    );
  }
  const relative = listing
    .split('\n')
    .map((line) => path.relative(root, line.trim()))
    .filter((line) => line.startsWith('node_modules/'))
    .sort();
  const kept: string[] = [];
  for (const entry of relative) {
    if (!kept.some((parent) => entry.startsWith(`${parent}/`))) kept.push(entry);
  }
  return kept;
}

async function commitOf(root: string): Promise<string> {
  try {
    const commit = (await capture('git', ['-C', root, 'rev-parse', '--short', 'HEAD'])).trim();
    const changes = (
      await capture('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no'])
    ).trim();
    return changes === '' ? commit : `${commit}-dirty`;
  } catch {
    return 'unknown';
  }
}

/** package.json as packed: the release's version, and no `prepare` build step (a release has no compiler). */
function packedManifest(root: string, version: string | undefined): { text: string; version: string } {
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    version: string;
    scripts?: Record<string, string>;
  };
  if (version !== undefined) manifest.version = version;
  if (!VERSION_PATTERN.test(manifest.version)) {
    throw new ReleaseError(`"${manifest.version}" is not a version like 2.0.0: pass --version X.Y.Z.`);
  }
  if (manifest.scripts) delete manifest.scripts['prepare'];
  return { text: `${JSON.stringify(manifest, null, 2)}\n`, version: manifest.version };
}

function assertBuilt(root: string): void {
  for (const file of ['dist/cli/main.js', 'dist/server/main.js', 'dist/embedded-template.tar']) {
    if (!existsSync(path.join(root, file))) {
      throw new ReleaseError(`${file} is missing in ${root}: run \`npm run build\` first, then pack again.`);
    }
  }
  for (const entry of RELEASE_PATHS.required) {
    if (!existsSync(path.join(root, entry))) throw new ReleaseError(`${entry} is missing in ${root}.`);
  }
}

/**
 * Packs `medisys-vX.Y.Z.tar.gz` (paths relative to the release root, package.json and build-info.json
 * first) and `medisys-vX.Y.Z.tar.gz.sha256` in sha256sum's format, so the manual's `sha256sum -c` works.
 * The archive is written under a temporary name and renamed when complete.
 */
export async function packRelease(options: PackOptions): Promise<PackResult> {
  const step = (message: string): void => options.onProgress?.({ kind: 'step', message });
  const root = path.resolve(options.root);
  assertBuilt(root);
  const manifest = packedManifest(root, options.version);
  const outDir = path.resolve(options.outDir);
  const file = path.join(outDir, releaseFileName(manifest.version));
  const checksumFile = `${file}.sha256`;
  if (existsSync(file) && !options.force) {
    throw new ReleaseError(`${file} already exists. Pass --force to replace it, or pack another --version.`);
  }

  step('Listing production dependencies (npm ls --omit=dev)...');
  const dependencies = await productionDependencyPaths(root);
  const buildInfo: BuildInfo = {
    name: 'medisys',
    version: manifest.version,
    commit: await commitOf(root),
    builtAt: new Date().toISOString(),
    node: process.version,
    nodeModulesAbi: process.versions.modules,
    platform: process.platform,
    arch: process.arch,
  };

  const staging = mkdtempSync(path.join(tmpdir(), 'medisys-release-'));
  mkdirSync(outDir, { recursive: true });
  const partial = `${file}.partial`;
  try {
    writeFileSync(path.join(staging, 'package.json'), manifest.text);
    writeFileSync(path.join(staging, 'build-info.json'), `${JSON.stringify(buildInfo, null, 2)}\n`);
    const optional = RELEASE_PATHS.optional.filter((entry) => existsSync(path.join(root, entry)));
    step(
      `Archiving MediSys ${manifest.version} (${dependencies.length} production packages) into ${file}...`,
    );
    const tar = runTool(
      'tar',
      [
        '--create',
        '--file=-',
        '--owner=0',
        '--group=0',
        '--numeric-owner',
        '--sort=name',
        '--directory',
        staging,
        'package.json',
        'build-info.json',
        '--directory',
        root,
        ...RELEASE_PATHS.required,
        ...optional,
        ...dependencies,
      ],
      process.env,
      'ignore',
    );
    const hash = createHash('sha256');
    let written = 0;
    let reported = 0;
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, callback): void {
        hash.update(chunk);
        written += chunk.length;
        if (written - reported >= 8 * 1024 * 1024) {
          reported = written;
          options.onProgress?.({ kind: 'bytes', written });
        }
        callback(null, chunk);
      },
    });
    await Promise.all([
      pipeline(tar.child.stdout!, createGzip({ level: 6 }), measure, createWriteStream(partial)),
      tar.done,
    ]);
    const sha256 = hash.digest('hex');
    renameSync(partial, file);
    writeFileSync(checksumFile, `${sha256}  ${path.basename(file)}\n`);
    return {
      file,
      checksumFile,
      sha256,
      sizeBytes: written,
      version: manifest.version,
      dependencyCount: dependencies.length,
    };
  } catch (error) {
    rmSync(partial, { force: true });
    if (error instanceof ReleaseError) throw error;
    const message = (error as Error).message;
    if (message.includes('changed as we read it')) {
      throw new ReleaseError(
        `Files changed while they were packed (${message}): is a build running? Pack again once it has finished.`,
      );
    }
    throw new ReleaseError(`Packing failed: ${message}`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
