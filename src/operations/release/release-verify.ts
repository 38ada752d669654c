import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { capture } from './release-pack.js';
import { REQUIRED_FILES, ReleaseError, versionOfReleaseFile, type BuildInfo } from './release-contents.js';

export interface VerifyOptions {
  /** Also require that the package was built for this machine's platform, architecture and Node ABI. */
  readonly platform?: boolean;
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function checkChecksum(file: string, actual: string): string {
  const checksumFile = `${file}.sha256`;
  if (!existsSync(checksumFile)) {
    throw new ReleaseError(
      `${checksumFile} is missing: a release is verified against its published checksum. Fetch it beside the package.`,
    );
  }
  const [expected, name] = readFileSync(checksumFile, 'utf8')
    .trim()
    .split(/\s+\*?/);
  if (!expected || !/^[0-9a-f]{64}$/i.test(expected)) {
    throw new ReleaseError(`${checksumFile} does not hold a sha256 checksum (sha256sum's format).`);
  }
  if (name && name !== path.basename(file)) {
    throw new ReleaseError(`${checksumFile} is the checksum of ${name}, not of ${path.basename(file)}.`);
  }
  if (expected.toLowerCase() !== actual) {
    throw new ReleaseError(
      `Checksum mismatch: ${path.basename(file)} has sha256 ${actual}, ${path.basename(checksumFile)} says ${expected}. The package is damaged or was altered: fetch it again.`,
    );
  }
  return `sha256 ${actual} matches ${path.basename(checksumFile)}`;
}

async function listEntries(file: string): Promise<Set<string>> {
  let listing: string;
  try {
    listing = await capture('tar', ['--list', '--gzip', '--file', file]);
  } catch (error) {
    throw new ReleaseError(
      `${path.basename(file)} cannot be read as a gzip tar archive (damaged or truncated): ${(error as Error).message}. Fetch it again.`,
    );
  }
  const entries = new Set<string>();
  for (const raw of listing.split('\n')) {
    if (raw === '') continue;
    const entry = raw.replace(/^\.\//, '').replace(/\/$/, '');
    if (path.isAbsolute(entry) || entry.split('/').includes('..')) {
      throw new ReleaseError(
        `${path.basename(file)} holds an unsafe path "${raw}" (absolute or with ..): refusing it.`,
      );
    }
    entries.add(entry);
  }
  return entries;
}

async function readMember<T>(file: string, member: string): Promise<T> {
  try {
    const text = await capture('tar', [
      '--extract',
      '--gzip',
      '--to-stdout',
      '--occurrence=1',
      '--file',
      file,
      member,
    ]);
    return JSON.parse(text) as T;
  } catch (error) {
    throw new ReleaseError(`${member} in ${path.basename(file)} cannot be read: ${(error as Error).message}`);
  }
}

/**
 * Checks a release package: its sha256 against FILE.sha256, that the whole archive reads, that every
 * file a release needs is there (with each production dependency of its package.json), and that the
 * versions in its name, package.json and build-info.json agree. Returns what was checked; throws
 * ReleaseError naming the first problem.
 */
export async function verifyRelease(file: string, options: VerifyOptions = {}): Promise<string[]> {
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new ReleaseError(`${file} does not exist. Give the path of a medisys-vX.Y.Z.tar.gz package.`);
  }
  const version = versionOfReleaseFile(file);
  if (!version) {
    throw new ReleaseError(`${path.basename(file)} is not named like a release (medisys-vX.Y.Z.tar.gz).`);
  }
  const findings = [checkChecksum(file, await sha256Of(file))];

  const entries = await listEntries(file);
  findings.push(`archive reads to the end: ${entries.size} entries`);
  const missing: string[] = REQUIRED_FILES.filter((required) => !entries.has(required));
  const migrations = [...entries].filter((entry) => /^migrations\/\d+_.*\.sql$/.test(entry));
  if (migrations.length === 0) missing.push('migrations/*.sql');
  if (missing.length > 0) {
    throw new ReleaseError(
      `${path.basename(file)} lacks ${missing.join(', ')}: it is not a complete MediSys release. Pack it again with \`medisys release pack\`.`,
    );
  }
  findings.push(
    `bin, dist, scripts, deploy files, config example and ${migrations.length} migrations present`,
  );

  const manifest = await readMember<{ version?: string; dependencies?: Record<string, string> }>(
    file,
    'package.json',
  );
  const buildInfo = await readMember<Partial<BuildInfo>>(file, 'build-info.json');
  if (manifest.version !== version || buildInfo.version !== version) {
    throw new ReleaseError(
      `Version mismatch: the file name says ${version}, package.json ${manifest.version ?? 'nothing'}, build-info.json ${buildInfo.version ?? 'nothing'}.`,
    );
  }
  findings.push(
    `version ${version} (file name, package.json and build-info.json agree; commit ${buildInfo.commit ?? 'unknown'})`,
  );

  const dependencies = Object.keys(manifest.dependencies ?? {});
  const absent = dependencies.filter((name) => !entries.has(`node_modules/${name}/package.json`));
  if (absent.length > 0) {
    throw new ReleaseError(
      `${path.basename(file)} lacks the production dependencies ${absent.join(', ')}. Run \`npm ci\` and pack again.`,
    );
  }
  findings.push(`all ${dependencies.length} production dependencies present in node_modules`);

  const builtFor = `${buildInfo.platform}-${buildInfo.arch}, Node ABI ${buildInfo.nodeModulesAbi} (${buildInfo.node})`;
  const here = `${process.platform}-${process.arch}, Node ABI ${process.versions.modules} (${process.version})`;
  const sameMachineKind =
    buildInfo.platform === process.platform &&
    buildInfo.arch === process.arch &&
    buildInfo.nodeModulesAbi === process.versions.modules;
  if (options.platform && !sameMachineKind) {
    throw new ReleaseError(
      `${path.basename(file)} was built for ${builtFor}; this machine is ${here}. Its native modules would not load: pack on a machine like this one.`,
    );
  }
  findings.push(
    sameMachineKind
      ? `built for ${builtFor}, like this machine`
      : `built for ${builtFor} (this machine: ${here})`,
  );
  return findings;
}
