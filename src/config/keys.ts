/**
 * Every configuration key MediSys understands, with its type, default and the sentence that documents it.
 * `config/production.properties.example` is checked against this table by a test, so the two cannot drift.
 */
export type KeyType =
  'string' | 'integer' | 'duration' | 'boolean' | 'port' | 'postgres-url' | 'redis-url' | 'list';

export interface KeySpec {
  readonly type: KeyType;
  /** The default as it would be written in a properties file; `undefined` means "derived" (see doc). */
  readonly default: string;
  readonly doc: string;
  /** Inclusive bounds for integers and durations (durations in milliseconds). */
  readonly min?: number;
  readonly max?: number;
}

export const CONFIG_KEYS = {
  'server.port': { type: 'port', default: '8080', doc: 'Port of the API and the web UI.' },
  'server.address': { type: 'string', default: '127.0.0.1', doc: 'Address the API listens on.' },
  'server.body-limit': {
    type: 'integer',
    default: '1048576',
    min: 1024,
    doc: 'Largest accepted JSON request body, in bytes (uploads have their own limit).',
  },
  'server.trust-proxy': {
    type: 'string',
    default: '',
    doc: 'Addresses or CIDRs of the load balancers whose X-Forwarded-For is trusted (comma-separated); empty trusts none.',
  },
  'server.shutdown-timeout': {
    type: 'duration',
    default: '20s',
    doc: 'On SIGTERM, how long in-flight requests may take before the process exits anyway.',
  },
  'server.shutdown-drain-delay': {
    type: 'duration',
    default: '0s',
    doc: 'On SIGTERM, how long readiness reports DOWN before the listener closes, so a load balancer stops sending.',
  },
  'management.port': { type: 'port', default: '8081', doc: 'Port of the /actuator management endpoints.' },
  'management.address': { type: 'string', default: '127.0.0.1', doc: 'Address of the management endpoints.' },
  'datasource.url': {
    type: 'postgres-url',
    default: '',
    doc: 'PostgreSQL URL (postgres://user:pass@host:5432/medisys); empty runs the embedded database under data.dir.',
  },
  'datasource.replica-url': {
    type: 'postgres-url',
    default: '',
    doc: 'Optional read replica for lists, searches and reports.',
  },
  'datasource.pool.maximum-pool-size': {
    type: 'integer',
    default: '20',
    min: 1,
    max: 1000,
    doc: 'Most connections the pool opens.',
  },
  'datasource.pool.minimum-idle': {
    type: 'integer',
    default: '5',
    min: 0,
    max: 1000,
    doc: 'Connections the pool keeps open when idle.',
  },
  'datasource.pool.connection-timeout': {
    type: 'integer',
    default: '30000',
    min: 250,
    doc: 'Milliseconds a request waits for a connection before failing.',
  },
  'datasource.pool.idle-timeout': {
    type: 'integer',
    default: '600000',
    min: 1000,
    doc: 'Milliseconds an idle connection above minimum-idle is kept.',
  },
  'datasource.pool.max-lifetime': {
    type: 'integer',
    default: '1800000',
    min: 30000,
    doc: 'Milliseconds after which a connection is retired.',
  },
  'datasource.statement-timeout': {
    type: 'duration',
    default: '30s',
    doc: 'Longest a single SQL statement may run on PostgreSQL before it is cancelled.',
  },
  'redis.url': {
    type: 'redis-url',
    default: '',
    doc: 'Redis URL (redis://host:6379/0); empty caches in-process.',
  },
  'redis.cluster.nodes': {
    type: 'list',
    default: '',
    doc: 'Redis Cluster seed nodes as host:port, comma-separated; used instead of redis.url when set.',
  },
  'data.dir': {
    type: 'string',
    default: './data',
    doc: 'Folder of the embedded database and default uploads/backups.',
  },
  'uploads.dir': {
    type: 'string',
    default: '',
    doc: 'Folder of uploaded documents; empty means <data.dir>/uploads.',
  },
  'uploads.max-file-size': {
    type: 'integer',
    default: '20971520',
    min: 1024,
    max: 1073741824,
    doc: 'Largest accepted uploaded file (documents, photos), in bytes; larger uploads are refused with 413.',
  },
  'logging.dir': {
    type: 'string',
    default: './logs',
    doc: 'Folder of application.log, security.log and audit.log.',
  },
  'logging.level': {
    type: 'string',
    default: 'info',
    doc: 'Level of application.log: debug, info, warn or error.',
  },
  'logging.console': {
    type: 'boolean',
    default: 'true',
    doc: 'Also print application log lines on standard output (for systemd journal).',
  },
  'backup.dir': { type: 'string', default: '', doc: 'Folder of backups; empty means <data.dir>/backups.' },
  'backup.passphrase-file': {
    type: 'string',
    default: '',
    doc: 'File holding the gpg passphrase for backups.',
  },
  'backup.retention-days': { type: 'integer', default: '30', min: 1, doc: 'Days a backup is kept by prune.' },
  'security.lockout.max-attempts': {
    type: 'integer',
    default: '5',
    min: 1,
    max: 100,
    doc: 'Failed sign-ins in a row that lock an account.',
  },
  'security.lockout.duration': {
    type: 'duration',
    default: '15m',
    doc: 'How long a locked account stays locked.',
  },
  'security.session.idle-timeout': {
    type: 'duration',
    default: '15m',
    doc: 'A session unused this long is ended (automatic logoff).',
  },
  'security.session.absolute-timeout': {
    type: 'duration',
    default: '12h',
    doc: 'A session ends this long after sign-in, used or not.',
  },
  'security.break-glass.duration': {
    type: 'duration',
    default: '4h',
    min: 1000,
    max: 86_400_000,
    doc: "How long breaking the glass opens one patient's clinical record to one user (audited, reviewed).",
  },
  'security.bootstrap.admin-password': {
    type: 'string',
    default: '',
    doc: 'Password of the first admin on an empty database; empty generates one (printed once, must be changed).',
  },
  'hospital.timezone': {
    type: 'string',
    default: 'UTC',
    doc: 'IANA time zone of the hospital (working hours, days).',
  },
} as const satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof CONFIG_KEYS;

/** The environment variable that overrides a key: MEDISYS_ + upper-cased key with `.` and `-` as `_`. */
export function environmentName(key: string): string {
  return 'MEDISYS_' + key.toUpperCase().replace(/[.-]/g, '_');
}
