import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_KEYS, environmentName, type ConfigKey, type KeySpec } from './keys.js';

/** A configuration problem; the CLI prints the message and exits 2. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly key?: string,
    readonly source?: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Typed, validated, frozen configuration. Durations are milliseconds. */
export interface AppConfig {
  readonly server: {
    readonly port: number;
    readonly address: string;
    readonly bodyLimitBytes: number;
    readonly trustProxy: readonly string[];
    readonly shutdownTimeoutMs: number;
    readonly shutdownDrainDelayMs: number;
  };
  readonly management: { readonly port: number; readonly address: string };
  readonly datasource: {
    readonly url: string;
    readonly replicaUrl: string;
    readonly statementTimeoutMs: number;
    readonly pool: {
      readonly maximumPoolSize: number;
      readonly minimumIdle: number;
      readonly connectionTimeoutMs: number;
      readonly idleTimeoutMs: number;
      readonly maxLifetimeMs: number;
    };
  };
  readonly redis: { readonly url: string; readonly clusterNodes: readonly string[] };
  readonly dataDir: string;
  readonly uploadsDir: string;
  /** Largest accepted uploaded file in bytes (`uploads.max-file-size`). */
  readonly uploadsMaxFileBytes: number;
  readonly logging: { readonly dir: string; readonly level: string; readonly console: boolean };
  readonly backup: { readonly dir: string; readonly passphraseFile: string; readonly retentionDays: number };
  readonly security: {
    readonly lockout: { readonly maxAttempts: number; readonly durationMs: number };
    readonly session: { readonly idleTimeoutMs: number; readonly absoluteTimeoutMs: number };
    /** How long an emergency ("break the glass") access to one patient lasts. */
    readonly breakGlass: { readonly durationMs: number };
    readonly bootstrapAdminPassword: string;
  };
  readonly hospital: { readonly timezone: string };
  /** Where the configuration came from, for `medisys health` and start-up messages. */
  readonly sourceFile: string | undefined;
}

export interface LoadOptions {
  /** `--config FILE` from the command line. */
  readonly configFile?: string | undefined;
  /** The environment to read; the only reader of process.env is the CLI entry point. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Working directory relative paths are resolved against. */
  readonly cwd: string;
  /** Values that win over everything (tests). */
  readonly overrides?: Partial<Record<ConfigKey, string>>;
}

interface RawValue {
  readonly value: string;
  readonly source: string;
}

/** Parses Java-properties text: `key=value` or `key: value`, `#`/`!` comments, `\` line continuations. */
export function parseProperties(text: string, source: string): Map<string, RawValue> {
  const values = new Map<string, RawValue>();
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    let line = lines[index]!.trimStart();
    const lineNumber = index + 1;
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (line.endsWith('\\') && index + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++index]!.trimStart();
    }
    const separator = line.search(/[=:]/);
    if (separator <= 0) {
      throw new ConfigError(`${source}:${lineNumber}: expected key=value, found "${line.slice(0, 40)}"`);
    }
    const key = line.slice(0, separator).trim();
    values.set(key, { value: line.slice(separator + 1).trim(), source: `${source}:${lineNumber}` });
  }
  return values;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `15m`, `30s`, `12h`, `500ms`, `1d`; a bare number is milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * DURATION_UNITS[match[2] ?? 'ms']!;
}

function convert(key: string, spec: KeySpec, raw: RawValue): string | number | boolean | string[] {
  const fail = (expected: string): never => {
    throw new ConfigError(
      `Invalid value for ${key} (from ${raw.source}): "${raw.value}" is not ${expected}.`,
      key,
      raw.source,
    );
  };
  const bounded = (value: number, unit: string): number => {
    if (spec.min !== undefined && value < spec.min) fail(`at least ${spec.min}${unit}`);
    if (spec.max !== undefined && value > spec.max) fail(`at most ${spec.max}${unit}`);
    return value;
  };
  const text = raw.value;
  switch (spec.type) {
    case 'string':
      return text;
    case 'integer':
      if (!/^-?\d+$/.test(text)) fail('an integer');
      return bounded(Number(text), '');
    case 'port': {
      const port = /^\d+$/.test(text) ? Number(text) : NaN;
      if (!(port >= 0 && port <= 65535)) fail('a port number (0-65535)');
      return port;
    }
    case 'duration': {
      const milliseconds = parseDuration(text);
      if (milliseconds === undefined) return fail('a duration such as 500ms, 30s, 15m, 12h or 1d');
      return bounded(milliseconds, ' ms');
    }
    case 'boolean':
      if (text !== 'true' && text !== 'false') fail('true or false');
      return text === 'true';
    case 'postgres-url':
      if (text !== '' && !/^postgres(ql)?:\/\/\S+$/.test(text)) fail('a postgres:// URL');
      return text;
    case 'redis-url':
      if (text !== '' && !/^rediss?:\/\/\S+$/.test(text)) fail('a redis:// URL');
      return text;
    case 'list':
      return text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
  }
}

/** MEDISYS_ variables that are not configuration keys: the config file's path, the operator scripts' targets, CI. */
const NOT_CONFIG_KEYS = new Set([
  'MEDISYS_CONFIG',
  'MEDISYS_URL',
  'MEDISYS_MANAGEMENT_URL',
  'MEDISYS_REQUIRE_SERVICES',
]);

function findConfigFile(options: LoadOptions): string | undefined {
  if (options.configFile) return path.resolve(options.cwd, options.configFile);
  const fromEnv = options.env['MEDISYS_CONFIG'];
  if (fromEnv) return path.resolve(options.cwd, fromEnv);
  const conventional = path.resolve(options.cwd, 'config/application.properties');
  return existsSync(conventional) ? conventional : undefined;
}

function collectRawValues(options: LoadOptions): {
  raw: Map<string, RawValue>;
  sourceFile: string | undefined;
} {
  const raw = new Map<string, RawValue>();
  const sourceFile = findConfigFile(options);
  if (sourceFile) {
    let text: string;
    try {
      text = readFileSync(sourceFile, 'utf8');
    } catch (error) {
      throw new ConfigError(`Cannot read configuration file ${sourceFile}: ${(error as Error).message}`);
    }
    for (const [key, value] of parseProperties(text, sourceFile)) {
      if (!(key in CONFIG_KEYS)) {
        throw new ConfigError(
          `Unknown configuration key ${key} (from ${value.source}). See config/production.properties.example for the keys MediSys reads.`,
          key,
          value.source,
        );
      }
      raw.set(key, value);
    }
  }
  const known = new Map(Object.keys(CONFIG_KEYS).map((key) => [environmentName(key), key]));
  for (const [name, value] of Object.entries(options.env)) {
    if (!name.startsWith('MEDISYS_') || value === undefined || NOT_CONFIG_KEYS.has(name)) continue;
    if (name.startsWith('MEDISYS_TEST_')) continue;
    const key = known.get(name);
    if (!key) {
      throw new ConfigError(
        `Unknown configuration variable ${name} (from the environment). Variables are MEDISYS_ + a key from config/production.properties.example.`,
        name,
        'environment',
      );
    }
    raw.set(key, { value, source: `environment variable ${name}` });
  }
  if (options.env['DATABASE_URL'] && !options.env[environmentName('datasource.url')]) {
    raw.set('datasource.url', {
      value: options.env['DATABASE_URL'],
      source: 'environment variable DATABASE_URL',
    });
  }
  if (options.env['REDIS_URL'] && !options.env[environmentName('redis.url')]) {
    raw.set('redis.url', { value: options.env['REDIS_URL'], source: 'environment variable REDIS_URL' });
  }
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    if (value !== undefined) raw.set(key, { value, source: 'override' });
  }
  return { raw, sourceFile };
}

/** Reads, validates and freezes the configuration. Throws ConfigError naming the key and its source. */
export function loadConfig(options: LoadOptions): AppConfig {
  const { raw, sourceFile } = collectRawValues(options);
  const values = new Map<string, string | number | boolean | string[]>();
  for (const [key, spec] of Object.entries(CONFIG_KEYS) as [ConfigKey, KeySpec][]) {
    values.set(key, convert(key, spec, raw.get(key) ?? { value: spec.default, source: 'default' }));
  }
  const text = (key: ConfigKey): string => values.get(key) as string;
  const number = (key: ConfigKey): number => values.get(key) as number;
  const list = (key: ConfigKey): string[] => values.get(key) as string[];
  const resolve = (dir: string): string => path.resolve(options.cwd, dir);

  const timezone = text('hospital.timezone');
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    throw new ConfigError(
      `Invalid value for hospital.timezone (from ${raw.get('hospital.timezone')?.source ?? 'default'}): "${timezone}" is not an IANA time zone such as Europe/Berlin.`,
      'hospital.timezone',
    );
  }
  const level = text('logging.level');
  if (!['debug', 'info', 'warn', 'error'].includes(level)) {
    throw new ConfigError(
      `Invalid value for logging.level (from ${raw.get('logging.level')?.source ?? 'default'}): "${level}" is not debug, info, warn or error.`,
      'logging.level',
    );
  }
  if (number('datasource.pool.minimum-idle') > number('datasource.pool.maximum-pool-size')) {
    throw new ConfigError(
      'datasource.pool.minimum-idle must not exceed datasource.pool.maximum-pool-size.',
      'datasource.pool.minimum-idle',
    );
  }

  const dataDir = resolve(text('data.dir'));
  const config: AppConfig = {
    server: {
      port: number('server.port'),
      address: text('server.address'),
      bodyLimitBytes: number('server.body-limit'),
      trustProxy: text('server.trust-proxy')
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== ''),
      shutdownTimeoutMs: number('server.shutdown-timeout'),
      shutdownDrainDelayMs: number('server.shutdown-drain-delay'),
    },
    management: { port: number('management.port'), address: text('management.address') },
    datasource: {
      url: text('datasource.url'),
      replicaUrl: text('datasource.replica-url'),
      statementTimeoutMs: number('datasource.statement-timeout'),
      pool: {
        maximumPoolSize: number('datasource.pool.maximum-pool-size'),
        minimumIdle: number('datasource.pool.minimum-idle'),
        connectionTimeoutMs: number('datasource.pool.connection-timeout'),
        idleTimeoutMs: number('datasource.pool.idle-timeout'),
        maxLifetimeMs: number('datasource.pool.max-lifetime'),
      },
    },
    redis: { url: text('redis.url'), clusterNodes: list('redis.cluster.nodes') },
    dataDir,
    uploadsDir: text('uploads.dir') ? resolve(text('uploads.dir')) : path.join(dataDir, 'uploads'),
    uploadsMaxFileBytes: number('uploads.max-file-size'),
    logging: { dir: resolve(text('logging.dir')), level, console: values.get('logging.console') as boolean },
    backup: {
      dir: text('backup.dir') ? resolve(text('backup.dir')) : path.join(dataDir, 'backups'),
      passphraseFile: text('backup.passphrase-file') ? resolve(text('backup.passphrase-file')) : '',
      retentionDays: number('backup.retention-days'),
    },
    security: {
      lockout: {
        maxAttempts: number('security.lockout.max-attempts'),
        durationMs: number('security.lockout.duration'),
      },
      session: {
        idleTimeoutMs: number('security.session.idle-timeout'),
        absoluteTimeoutMs: number('security.session.absolute-timeout'),
      },
      breakGlass: { durationMs: number('security.break-glass.duration') },
      bootstrapAdminPassword: text('security.bootstrap.admin-password'),
    },
    hospital: { timezone },
    sourceFile,
  };
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
