import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isRole, ROLES, type Role } from '../shared/request-context.js';
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
    /** HTTPS served directly (`server.ssl.*`, resolved paths); undefined serves plain HTTP. */
    readonly ssl: { readonly certificateFile: string; readonly keyFile: string } | undefined;
  };
  readonly management: { readonly port: number; readonly address: string };
  readonly datasource: {
    readonly url: string;
    readonly replicaUrl: string;
    /** Lag beyond which replica reads go to the primary instead (`datasource.replica-max-lag`). */
    readonly replicaMaxLagMs: number;
    readonly statementTimeoutMs: number;
    readonly pool: {
      readonly maximumPoolSize: number;
      readonly minimumIdle: number;
      readonly connectionTimeoutMs: number;
      readonly idleTimeoutMs: number;
      readonly maxLifetimeMs: number;
    };
  };
  readonly redis: {
    readonly url: string;
    readonly clusterNodes: readonly string[];
    /** How long one command may take before Redis is treated as down for that request. */
    readonly commandTimeoutMs: number;
  };
  /** Cache-aside settings (src/cache/keys.ts); TTLs of 0 turn a region's cache off. */
  readonly cache: {
    readonly keyPrefix: string;
    readonly ttl: { readonly patientMs: number; readonly listsMs: number; readonly dashboardMs: number };
  };
  readonly dataDir: string;
  readonly uploadsDir: string;
  /** Largest accepted uploaded file in bytes (`uploads.max-file-size`). */
  readonly uploadsMaxFileBytes: number;
  readonly logging: { readonly dir: string; readonly level: string; readonly console: boolean };
  readonly backup: { readonly dir: string; readonly passphraseFile: string; readonly retentionDays: number };
  /** `medisys maintenance daily` (`maintenance.*`): its log folder, log retention, disk threshold, upload sweep. */
  readonly maintenance: {
    readonly logDir: string;
    readonly logRetentionDays: number;
    readonly diskFreeThresholdPercent: number;
    readonly staleUploadAgeMs: number;
  };
  readonly security: {
    readonly lockout: { readonly maxAttempts: number; readonly durationMs: number };
    readonly session: {
      readonly idleTimeoutMs: number;
      readonly absoluteTimeoutMs: number;
      readonly cacheTtlMs: number;
    };
    readonly mfa: {
      /** Roles whose users must have MFA; without it they may only enrol (`security.mfa.required-roles`). */
      readonly requiredRoles: readonly Role[];
      /** How long a code proves a fresh second factor for sensitive actions (`security.mfa.step-up-window`). */
      readonly stepUpWindowMs: number;
      /** The issuer name in otpauth:// URIs (`security.mfa.issuer`). */
      readonly issuer: string;
    };
    /** How long an emergency ("break the glass") access to one patient lasts. */
    readonly breakGlass: { readonly durationMs: number };
    readonly bootstrapAdminPassword: string;
    /** Security headers on every response (`security.headers.enabled`; off only in tests). */
    readonly headersEnabled: boolean;
    /** Sign-in and API throttles (`security.throttle.*`); a limit of 0 means none. */
    readonly throttle: {
      readonly enabled: boolean;
      readonly login: { readonly windowMs: number; readonly perAccount: number; readonly perAddress: number };
      readonly api: { readonly windowMs: number; readonly perUser: number; readonly perAddress: number };
    };
    /** The brute-force detector's thresholds of distinct accounts and addresses (`security.brute-force.*`). */
    readonly bruteForce: {
      readonly windowMs: number;
      readonly accountsPerAddress: number;
      readonly addressesPerAccount: number;
    };
    readonly encryption: {
      /** The field-encryption key file (`security.encryption.key-file`, resolved). */
      readonly keyFile: string;
      /** True when no key file was configured: the default one is generated on first start. */
      readonly generateKeyFile: boolean;
    };
    /** How often new audit rows are sealed into the hash chain (`security.audit.seal-interval`). */
    readonly audit: { readonly sealIntervalMs: number };
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
  'MEDISYS_CHECK_TIMEOUT',
  // scripts/deploy.sh and scripts/rollback.sh
  'MEDISYS_HOME',
  'MEDISYS_RELEASES_DIR',
  'MEDISYS_INSTANCES',
  'MEDISYS_RESTART_COMMAND',
  'MEDISYS_READY_TIMEOUT',
  'MEDISYS_SETTLE_SECONDS',
  'MEDISYS_KEEP_RELEASES',
]);

/** Prefixes of the operator scripts' own variables (smoke test, performance check, deployment). */
const NOT_CONFIG_PREFIXES = ['MEDISYS_TEST_', 'MEDISYS_SMOKE_', 'MEDISYS_PERF_', 'MEDISYS_DEPLOY_'];

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
    if (NOT_CONFIG_PREFIXES.some((prefix) => name.startsWith(prefix))) continue;
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
  if (/[{}\s]/.test(text('cache.key-prefix'))) {
    // Braces would move the Redis Cluster hash tag that keeps a namespace's keys in one slot.
    throw new ConfigError(
      `Invalid value for cache.key-prefix (from ${raw.get('cache.key-prefix')?.source ?? 'default'}): it must not contain braces or spaces.`,
      'cache.key-prefix',
    );
  }
  if (number('datasource.pool.minimum-idle') > number('datasource.pool.maximum-pool-size')) {
    throw new ConfigError(
      'datasource.pool.minimum-idle must not exceed datasource.pool.maximum-pool-size.',
      'datasource.pool.minimum-idle',
    );
  }

  const mfaRoles = list('security.mfa.required-roles');
  const unknownRole = mfaRoles.find((role) => !isRole(role));
  if (unknownRole !== undefined) {
    throw new ConfigError(
      `Invalid value for security.mfa.required-roles (from ${raw.get('security.mfa.required-roles')?.source ?? 'default'}): "${unknownRole}" is not a role (${ROLES.join(', ')}).`,
      'security.mfa.required-roles',
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
      ssl: sslFiles(text('server.ssl.certificate'), text('server.ssl.key'), resolve),
    },
    management: { port: number('management.port'), address: text('management.address') },
    datasource: {
      url: text('datasource.url'),
      replicaUrl: text('datasource.replica-url'),
      replicaMaxLagMs: number('datasource.replica-max-lag'),
      statementTimeoutMs: number('datasource.statement-timeout'),
      pool: {
        maximumPoolSize: number('datasource.pool.maximum-pool-size'),
        minimumIdle: number('datasource.pool.minimum-idle'),
        connectionTimeoutMs: number('datasource.pool.connection-timeout'),
        idleTimeoutMs: number('datasource.pool.idle-timeout'),
        maxLifetimeMs: number('datasource.pool.max-lifetime'),
      },
    },
    redis: {
      url: text('redis.url'),
      clusterNodes: list('redis.cluster.nodes'),
      commandTimeoutMs: number('redis.command-timeout'),
    },
    cache: {
      keyPrefix: text('cache.key-prefix'),
      ttl: {
        patientMs: number('cache.ttl.patient'),
        listsMs: number('cache.ttl.lists'),
        dashboardMs: number('cache.ttl.dashboard'),
      },
    },
    dataDir,
    uploadsDir: text('uploads.dir') ? resolve(text('uploads.dir')) : path.join(dataDir, 'uploads'),
    uploadsMaxFileBytes: number('uploads.max-file-size'),
    logging: { dir: resolve(text('logging.dir')), level, console: values.get('logging.console') as boolean },
    backup: {
      dir: text('backup.dir') ? resolve(text('backup.dir')) : path.join(dataDir, 'backups'),
      passphraseFile: text('backup.passphrase-file') ? resolve(text('backup.passphrase-file')) : '',
      retentionDays: number('backup.retention-days'),
    },
    maintenance: {
      logDir: text('maintenance.log-dir')
        ? resolve(text('maintenance.log-dir'))
        : path.join(resolve(text('logging.dir')), 'maintenance'),
      logRetentionDays: number('maintenance.log-retention-days'),
      diskFreeThresholdPercent: number('maintenance.disk-free-threshold-percent'),
      staleUploadAgeMs: number('maintenance.stale-upload-age'),
    },
    security: {
      lockout: {
        maxAttempts: number('security.lockout.max-attempts'),
        durationMs: number('security.lockout.duration'),
      },
      session: {
        idleTimeoutMs: number('security.session.idle-timeout'),
        absoluteTimeoutMs: number('security.session.absolute-timeout'),
        cacheTtlMs: number('security.session.cache-ttl'),
      },
      mfa: {
        requiredRoles: mfaRoles.filter(isRole),
        stepUpWindowMs: number('security.mfa.step-up-window'),
        issuer: text('security.mfa.issuer') || 'MediSys',
      },
      breakGlass: { durationMs: number('security.break-glass.duration') },
      bootstrapAdminPassword: text('security.bootstrap.admin-password'),
      headersEnabled: values.get('security.headers.enabled') as boolean,
      throttle: {
        enabled: values.get('security.throttle.enabled') as boolean,
        login: {
          windowMs: number('security.throttle.login.window'),
          perAccount: number('security.throttle.login.per-account'),
          perAddress: number('security.throttle.login.per-address'),
        },
        api: {
          windowMs: number('security.throttle.api.window'),
          perUser: number('security.throttle.api.per-user'),
          perAddress: number('security.throttle.api.per-address'),
        },
      },
      bruteForce: {
        windowMs: number('security.brute-force.window'),
        accountsPerAddress: number('security.brute-force.accounts-per-address'),
        addressesPerAccount: number('security.brute-force.addresses-per-account'),
      },
      encryption: {
        keyFile: text('security.encryption.key-file')
          ? resolve(text('security.encryption.key-file'))
          : path.join(dataDir, 'keys', 'field-encryption.keys'),
        generateKeyFile: text('security.encryption.key-file') === '',
      },
      audit: { sealIntervalMs: number('security.audit.seal-interval') },
    },
    hospital: { timezone },
    sourceFile,
  };
  return deepFreeze(config);
}

/** Both files or neither: half a TLS configuration is a mistake, not a choice of plain HTTP. */
function sslFiles(
  certificate: string,
  key: string,
  resolve: (file: string) => string,
): { certificateFile: string; keyFile: string } | undefined {
  if (certificate === '' && key === '') return undefined;
  if (certificate === '' || key === '') {
    const missing = certificate === '' ? 'server.ssl.certificate' : 'server.ssl.key';
    throw new ConfigError(
      `${missing} is empty while the other server.ssl key is set: give both the certificate and its key, or neither for plain HTTP.`,
      missing,
    );
  }
  return { certificateFile: resolve(certificate), keyFile: resolve(key) };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
