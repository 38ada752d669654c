import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { packRelease, type PackProgress } from '../../operations/release/release-pack.js';
import { VERSION_PATTERN } from '../../operations/release/release-contents.js';
import { verifyRelease } from '../../operations/release/release-verify.js';
import { EXIT_OK, UsageError, type Output } from '../io.js';

const USAGE = `Usage:
  medisys release pack [--out DIR] [--version X.Y.Z] [--force]
        medisys-vX.Y.Z.tar.gz (dist/, bin/, production node_modules, migrations, scripts, deploy files,
        package.json and lock, config example) and its .sha256, into DIR (default: the current folder).
        The version is package.json's unless --version is given. Run \`npm run build\` first.
  medisys release verify FILE [--platform]
        check FILE against FILE.sha256, read the whole archive, and check that everything a release
        needs is in it; --platform also requires it to be built for this machine (as deploy.sh does).`;

/** The package root this command runs from (dist/cli/commands/ → root): what `pack` packs. */
const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function progress(output: Output): (event: PackProgress) => void {
  const terminal = process.stderr.isTTY;
  return (event) => {
    if (event.kind === 'step') output.out(event.message);
    else if (terminal) output.err(`  ${(event.written / 1024 / 1024).toFixed(0)} MiB written`);
  };
}

export async function releaseCommand(args: string[], output: Output): Promise<number> {
  const [action, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: {
      out: { type: 'string' },
      version: { type: 'string' },
      force: { type: 'boolean', default: false },
      platform: { type: 'boolean', default: false },
    },
  });
  switch (action) {
    case 'pack': {
      if (positionals.length > 0) throw new UsageError(`release pack takes no file.\n${USAGE}`);
      if (values.version !== undefined && !VERSION_PATTERN.test(values.version)) {
        throw new UsageError(`--version takes a version like 2.0.0, not "${values.version}".`);
      }
      const started = Date.now();
      const result = await packRelease({
        root: PACKAGE_ROOT,
        outDir: values.out ?? process.cwd(),
        version: values.version,
        force: values.force,
        onProgress: progress(output),
      });
      output.out(
        `Packed ${result.file} (${(result.sizeBytes / 1024 / 1024).toFixed(1)} MiB, ${result.dependencyCount} production packages, ${((Date.now() - started) / 1000).toFixed(1)} s).`,
      );
      output.out(`Checksum: ${result.checksumFile} (sha256 ${result.sha256}).`);
      return EXIT_OK;
    }
    case 'verify': {
      const file = positionals[0];
      if (!file || positionals.length > 1) throw new UsageError(`Give one release file.\n${USAGE}`);
      output.out(`Verifying ${file}...`);
      for (const finding of await verifyRelease(file, { platform: values.platform })) {
        output.out(`  ok: ${finding}`);
      }
      output.out('Release package is good.');
      return EXIT_OK;
    }
    case undefined:
    default:
      throw new UsageError(action ? `Unknown release command "${action}".\n${USAGE}` : USAGE);
  }
}
