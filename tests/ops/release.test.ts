import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMediSys } from '../support/processes.js';

/** Runs a tool to completion without blocking the test worker; resolves with its exit code and output. */
function run(
  command: string,
  args: string[],
  cwd: string,
): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('close', (status) => resolve({ status, output }));
  });
}

function writeChecksum(file: string): void {
  const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
  writeFileSync(`${file}.sha256`, `${sha256}  ${path.basename(file)}\n`);
}

/** `medisys release pack` and `medisys release verify` on a real package of this checkout. */
describe('medisys release pack and verify', () => {
  let workDir: string;
  let packed: { status: number | null; stdout: string; stderr: string };
  let entries: string[];
  const file = (): string => path.join(workDir, 'medisys-v9.8.7.tar.gz');

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'medisys-release-'));
    packed = await runMediSys(['release', 'pack', '--out', workDir, '--version', '9.8.7'], { cwd: workDir });
    entries = (await run('tar', ['-tzf', file()], workDir)).output.split('\n');
  }, 120_000);
  afterAll(() => {
    rmSync(workDir, { recursive: true, force: true });
  });

  it('packs medisys-vX.Y.Z.tar.gz and a .sha256 that the manual’s sha256sum -c accepts', async () => {
    expect(packed.stderr).toBe('');
    expect(packed.status).toBe(0);
    expect(packed.stdout).toContain('Listing production dependencies');
    expect(packed.stdout).toMatch(/Packed .*medisys-v9\.8\.7\.tar\.gz \([\d.]+ MiB, \d+ production packages/);
    const check = await run('sha256sum', ['-c', 'medisys-v9.8.7.tar.gz.sha256'], workDir);
    expect(check.output).toContain('medisys-v9.8.7.tar.gz: OK');
    expect(check.status).toBe(0);
  });

  it('holds the built app, bin, migrations, scripts, deploy files, lock, config example and production dependencies only', () => {
    for (const entry of [
      'package.json',
      'package-lock.json',
      'build-info.json',
      'bin/medisys.js',
      'dist/cli/main.js',
      'dist/embedded-template.tar',
      'migrations/0001_create_schema_version.sql',
      'scripts/deploy.sh',
      'scripts/rollback.sh',
      'scripts/health-check.sh',
      'deploy/systemd/medisys-app@.service',
      'deploy/haproxy/haproxy.cfg',
      'config/production.properties.example',
      'node_modules/fastify/package.json',
      'node_modules/pg/package.json',
      'node_modules/argon2/package.json',
    ]) {
      expect(entries, entry).toContain(entry);
    }
    for (const devOnly of ['vitest', 'typescript', 'eslint', 'prettier', 'tsx', 'playwright-core']) {
      expect(
        entries.some((entry) => entry.startsWith(`node_modules/${devOnly}/`)),
        devOnly,
      ).toBe(false);
    }
    expect(entries.some((entry) => entry.startsWith('src/') || entry.startsWith('tests/'))).toBe(false);
    expect(entries).not.toContain('config/application.properties');
    expect(entries.slice(0, 2)).toEqual(['package.json', 'build-info.json']);
  });

  it('records the chosen version in package.json and build-info.json', async () => {
    const extract = path.join(workDir, 'extract');
    mkdirSync(extract);
    expect(
      (await run('tar', ['-xzf', file(), '-C', extract, 'package.json', 'build-info.json'], workDir)).status,
    ).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(extract, 'package.json'), 'utf8'));
    const buildInfo = JSON.parse(readFileSync(path.join(extract, 'build-info.json'), 'utf8'));
    expect(manifest.version).toBe('9.8.7');
    expect(manifest.scripts?.prepare).toBeUndefined();
    expect(buildInfo).toMatchObject({ version: '9.8.7', platform: process.platform, arch: process.arch });
    expect(buildInfo.commit).toMatch(/\S/);
  });

  it('verifies a good package, and refuses to overwrite it without --force', async () => {
    const verified = await runMediSys(['release', 'verify', file(), '--platform'], { cwd: workDir });
    expect(verified.stdout).toMatch(/ok: sha256 [0-9a-f]{64} matches/);
    expect(verified.stdout).toContain('ok: version 9.8.7');
    expect(verified.stdout).toMatch(/ok: all \d+ production dependencies present/);
    expect(verified.stdout).toContain('Release package is good.');
    expect(verified.status).toBe(0);
    const again = await runMediSys(['release', 'pack', '--out', workDir, '--version', '9.8.7'], {
      cwd: workDir,
    });
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('already exists. Pass --force');
  });

  it('fails verify with a clear message when the package was altered', async () => {
    const altered = path.join(workDir, 'altered', 'medisys-v9.8.7.tar.gz');
    mkdirSync(path.dirname(altered));
    const bytes = readFileSync(file());
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    writeFileSync(altered, bytes);
    writeFileSync(`${altered}.sha256`, readFileSync(`${file()}.sha256`));
    const result = await runMediSys(['release', 'verify', altered], { cwd: workDir });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /Checksum mismatch: .* The package is damaged or was altered: fetch it again\./,
    );
  });

  it('fails verify when the archive is truncated, even with a checksum that matches it', async () => {
    const truncated = path.join(workDir, 'truncated', 'medisys-v9.8.7.tar.gz');
    mkdirSync(path.dirname(truncated));
    writeFileSync(truncated, readFileSync(file()));
    truncateSync(truncated, Math.floor(readFileSync(file()).length / 3));
    writeChecksum(truncated);
    const result = await runMediSys(['release', 'verify', truncated], { cwd: workDir });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('cannot be read as a gzip tar archive (damaged or truncated)');
  });

  it('fails verify when the checksum file is missing, or entries a release needs are absent', async () => {
    const bare = path.join(workDir, 'bare');
    mkdirSync(bare);
    writeFileSync(path.join(bare, 'package.json'), '{"version":"9.9.9"}');
    const incomplete = path.join(workDir, 'medisys-v9.9.9.tar.gz');
    expect((await run('tar', ['-czf', incomplete, '-C', bare, 'package.json'], workDir)).status).toBe(0);
    const noChecksum = await runMediSys(['release', 'verify', incomplete], { cwd: workDir });
    expect(noChecksum.status).toBe(1);
    expect(noChecksum.stderr).toContain('medisys-v9.9.9.tar.gz.sha256 is missing');
    writeChecksum(incomplete);
    const result = await runMediSys(['release', 'verify', incomplete], { cwd: workDir });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /lacks package-lock\.json, build-info\.json, bin\/medisys\.js, .*migrations\/\*\.sql/,
    );
    expect(result.stderr).toContain('Pack it again with `medisys release pack`');
  });

  it('answers bad usage with exit 2', async () => {
    expect((await runMediSys(['release', 'verify'], { cwd: workDir })).status).toBe(2);
    const badVersion = await runMediSys(['release', 'pack', '--version', 'banana'], { cwd: workDir });
    expect(badVersion.status).toBe(2);
    expect(badVersion.stderr).toContain('--version takes a version like 2.0.0');
    expect((await runMediSys(['release', 'publish'], { cwd: workDir })).status).toBe(2);
  });
});
