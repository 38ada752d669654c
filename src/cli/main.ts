import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type AppConfig } from '../config/load.js';
import { DirectoryLockedError, MigrationError } from '../db/index.js';
import { startServer, StartupError } from '../server/main.js';
import { BackupError } from '../operations/backup/backup-service.js';
import { ReleaseError } from '../operations/release/release-contents.js';
import { SeedError } from '../operations/seed/seed-demo.js';
import { DomainError, ValidationError } from '../shared/errors.js';
import { KeyFileError } from '../modules/security/index.js';
import { accessReviewCommand } from './commands/access-review.js';
import { auditCommand } from './commands/audit.js';
import { backupCommand } from './commands/backup.js';
import { healthCommand } from './commands/health.js';
import { maintenanceCommand } from './commands/maintenance.js';
import { migrateCommand } from './commands/migrate.js';
import { releaseCommand } from './commands/release.js';
import { securityCommand } from './commands/security.js';
import { seedCommand } from './commands/seed.js';
import { usersCommand } from './commands/users.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, processOutput, UsageError, type Output } from './io.js';

const USAGE = `Usage: medisys [--config FILE] COMMAND

Commands:
  serve [--migrate]          run the API (server.port) and management endpoints (management.port)
  migrate [--status]         apply pending database migrations, or list them
  users ...                  create|list|lock|unlock|reset-password|reset-mfa|set-role (medisys users for details)
  health                     ask a running MediSys for its health (exit 0 when UP)
  seed demo                  load a demonstration hospital (fictitious data; says so loudly)
  backup ...                 create [--app]|list|verify [FILE]|restore FILE --target DB|prune (medisys backup for details)
  maintenance daily          the manual's daily maintenance (old logs, VACUUM ANALYZE, disk space, health)
  access-review [--inactive-days 90] [--format table|csv|json] [--disable-inactive]
                             who may sign in, by last sign-in; accounts unused for N days (disable: audited)
  audit verify               check the audit trail's hash chain; names edited, deleted or reordered rows
  security ...               add-key|rotate-key|key-status: field-encryption keys (medisys security for details)
  release pack|verify FILE   make or check a release package medisys-vX.Y.Z.tar.gz (medisys release for details)

Configuration: --config FILE, else $MEDISYS_CONFIG, else config/application.properties;
MEDISYS_* environment variables override single keys.`;

function readSecret(file: string): string {
  return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
}

async function serve(args: string[], config: AppConfig, output: Output): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { migrate: { type: 'boolean', default: false } },
    strict: true,
  });
  // Listen for signals before anything else: a SIGTERM that arrives while starting (or right after the
  // "serving" line) must still shut down cleanly rather than kill the process mid-write.
  const signalled = new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  const server = await startServer(config, {
    migrate: values.migrate ?? false,
    print: (line) => output.out(line),
  });
  output.out(
    `MediSys is serving on ${server.apiUrl} (management ${server.managementUrl}, ${server.db.kind === 'embedded' ? 'embedded database' : 'PostgreSQL'}).`,
  );
  const signal = await signalled;
  try {
    await server.shutdown(signal);
    return EXIT_OK;
  } catch (error) {
    output.err(`Shutdown failed: ${(error as Error).message}`);
    return EXIT_FAILURE;
  }
}

/** The `medisys` command. Returns the exit code (0 success, 1 failure, 2 bad usage). */
export async function main(argv: string[], output: Output = processOutput): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: false,
    });
  } catch (error) {
    output.err((error as Error).message);
    return EXIT_USAGE;
  }
  const configIndex = argv.findIndex((arg) => arg === '--config' || arg.startsWith('--config='));
  const rest = argv.filter(
    (_, index) => index !== configIndex && !(argv[configIndex] === '--config' && index === configIndex + 1),
  );
  const [command, ...args] = rest;
  if (!command || parsed.values.help || command === 'help') {
    output.out(USAGE);
    return command ? EXIT_OK : EXIT_USAGE;
  }
  try {
    const config = loadConfig({
      configFile: parsed.values.config as string | undefined,
      env: process.env,
      cwd: process.cwd(),
    });
    switch (command) {
      case 'serve':
        return await serve(args, config, output);
      case 'migrate':
        return await migrateCommand(args, config, output);
      case 'users':
        return await usersCommand(args, config, output, readSecret);
      case 'health':
        return await healthCommand(config, process.env, output);
      case 'backup':
        return await backupCommand(args, config, output);
      case 'maintenance':
        return await maintenanceCommand(args, config, process.env, output);
      case 'release':
        return await releaseCommand(args, output);
      case 'seed':
        return await seedCommand(args, config, output);
      case 'access-review':
        return await accessReviewCommand(args, config, output);
      case 'audit':
        return await auditCommand(args, config, output);
      case 'security':
        return await securityCommand(args, config, output);
      default:
        output.err(`Unknown command "${command}".\n\n${USAGE}`);
        return EXIT_USAGE;
    }
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UsageError) {
      output.err(error.message);
      return EXIT_USAGE;
    }
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      output.err(`${(error as Error).message}\nRun \`medisys ${command}\` without arguments for its usage.`);
      return EXIT_USAGE;
    }
    if (
      error instanceof BackupError ||
      error instanceof SeedError ||
      error instanceof ReleaseError ||
      error instanceof DirectoryLockedError ||
      error instanceof KeyFileError ||
      error instanceof MigrationError ||
      error instanceof StartupError ||
      error instanceof DomainError
    ) {
      // A refused value says which field and why (e.g. the password rules), not only that it was refused.
      const fields =
        error instanceof ValidationError
          ? error.errors.map((problem) => `\n  ${problem.field} ${problem.message}`).join('')
          : '';
      output.err(`${error.message}${fields}`);
      return EXIT_FAILURE;
    }
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      output.err(
        `${(error as Error).message}: another process uses the port. Stop it or set server.port / management.port.`,
      );
      return EXIT_FAILURE;
    }
    output.err(`MediSys failed: ${(error as Error).message}. See logs/application.log for details.`);
    return EXIT_FAILURE;
  }
}
