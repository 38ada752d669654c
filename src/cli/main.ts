import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type AppConfig } from '../config/load.js';
import { DirectoryLockedError, MigrationError } from '../db/index.js';
import { startServer, StartupError } from '../server/main.js';
import { BackupError } from '../operations/backup/backup-service.js';
import { DomainError } from '../shared/errors.js';
import { backupCommand } from './commands/backup.js';
import { healthCommand } from './commands/health.js';
import { migrateCommand } from './commands/migrate.js';
import { usersCommand } from './commands/users.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, processOutput, UsageError, type Output } from './io.js';

const USAGE = `Usage: medisys [--config FILE] COMMAND

Commands:
  serve [--migrate]          run the API (server.port) and management endpoints (management.port)
  migrate [--status]         apply pending database migrations, or list them
  users ...                  create|list|lock|unlock|reset-password|set-role (medisys users for details)
  health                     ask a running MediSys for its health (exit 0 when UP)
  backup ...                 create|list|verify [FILE]|restore FILE --target DB|prune (medisys backup for details)

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
  const server = await startServer(config, {
    migrate: values.migrate ?? false,
    print: (line) => output.out(line),
  });
  output.out(
    `MediSys is serving on ${server.apiUrl} (management ${server.managementUrl}, ${server.db.kind === 'embedded' ? 'embedded database' : 'PostgreSQL'}).`,
  );
  return new Promise<number>((resolve) => {
    const stop = (signal: string): void => {
      server.shutdown(signal).then(
        () => resolve(EXIT_OK),
        (error: Error) => {
          output.err(`Shutdown failed: ${error.message}`);
          resolve(EXIT_FAILURE);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
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
      error instanceof DirectoryLockedError ||
      error instanceof MigrationError ||
      error instanceof StartupError ||
      error instanceof DomainError
    ) {
      output.err(error.message);
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
