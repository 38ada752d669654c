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
  'server.ssl.certificate': {
    type: 'string',
    default: '',
    doc: 'PEM certificate (chain) file: with server.ssl.key, the API is served over HTTPS (TLS 1.2 or newer only); empty serves plain HTTP (TLS at HAProxy).',
  },
  'server.ssl.key': {
    type: 'string',
    default: '',
    doc: 'PEM private key file of server.ssl.certificate (mode 0600, readable by the medisys user only).',
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
    doc: 'Optional streaming replica (a hot standby of datasource.url) for patient lists and searches, reports and the dashboard.',
  },
  'datasource.replica-max-lag': {
    type: 'duration',
    default: '5s',
    min: 100,
    max: 3_600_000,
    doc: 'When the replica is further behind the primary than this, or unreachable, those reads go to the primary.',
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
  'redis.command-timeout': {
    type: 'duration',
    default: '250ms',
    min: 10,
    max: 10_000,
    doc: 'Longest a Redis command may take before Redis counts as down for that request (served without cache).',
  },
  'cache.key-prefix': {
    type: 'string',
    default: 'medisys:',
    doc: 'Prefix of every key MediSys writes in Redis (cache entries and throttle counters), so several MediSys installations can share one Redis.',
  },
  'cache.ttl.patient': {
    type: 'duration',
    default: '60s',
    min: 0,
    max: 86_400_000,
    doc: 'Lifetime of a cached patient record (dropped on every write anyway); 0 turns this cache off.',
  },
  'cache.ttl.lists': {
    type: 'duration',
    default: '5m',
    min: 0,
    max: 86_400_000,
    doc: 'Lifetime of cached doctor and department lists (dropped on every write anyway); 0 turns them off.',
  },
  'cache.ttl.dashboard': {
    type: 'duration',
    default: '5s',
    min: 0,
    max: 3_600_000,
    doc: 'How old the dashboard figures may be (not dropped on writes); 0 computes them on every request.',
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
  'maintenance.log-dir': {
    type: 'string',
    default: '',
    doc: 'Folder of the daily maintenance logs (daily_YYYYMMDD.log); empty means <logging.dir>/maintenance.',
  },
  'maintenance.log-retention-days': {
    type: 'integer',
    default: '7',
    min: 1,
    doc: 'medisys maintenance daily removes log files in logging.dir and maintenance.log-dir older than this.',
  },
  'maintenance.disk-free-threshold-percent': {
    type: 'integer',
    default: '10',
    min: 0,
    max: 100,
    doc: 'medisys maintenance daily fails when a file system MediSys writes to has less free space than this.',
  },
  'maintenance.stale-upload-age': {
    type: 'duration',
    default: '24h',
    min: 60_000,
    doc: 'Unfinished uploads (uploads.dir/.incoming/*.part) untouched this long are removed by medisys maintenance daily.',
  },
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
  'security.session.cache-ttl': {
    type: 'duration',
    default: '10s',
    doc: 'Longest an instance trusts a session it checked without asking the database again; every instance forgets a session the moment it ends or its user changes (database notifications). 0 checks every request.',
  },
  'security.session.absolute-timeout': {
    type: 'duration',
    default: '12h',
    doc: 'A session ends this long after sign-in, used or not.',
  },
  'security.mfa.required-roles': {
    type: 'list',
    default: 'admin',
    doc: 'Roles that must use multi-factor sign-in (comma-separated); their users without it may only enrol until they have.',
  },
  'security.mfa.step-up-window': {
    type: 'duration',
    default: '5m',
    min: 30_000,
    max: 3_600_000,
    doc: 'How long an MFA code counts as fresh for exports, merges, role changes and break-the-glass.',
  },
  'security.mfa.issuer': {
    type: 'string',
    default: 'MediSys',
    doc: 'Name shown in the authenticator app next to the username.',
  },
  'security.break-glass.duration': {
    type: 'duration',
    default: '4h',
    min: 1000,
    max: 86_400_000,
    doc: "How long breaking the glass opens one patient's clinical record to one user (audited, reviewed).",
  },
  'security.headers.enabled': {
    type: 'boolean',
    default: 'true',
    doc: 'Send the security headers (CSP, HSTS, nosniff, Referrer-Policy, X-Frame-Options, Permissions-Policy). For tests only: never turn off in production.',
  },
  'security.throttle.enabled': {
    type: 'boolean',
    default: 'true',
    doc: 'Throttle sign-ins and API requests (429 with Retry-After). Turn off only for load tests on a test system.',
  },
  'security.throttle.login.window': {
    type: 'duration',
    default: '15m',
    min: 1000,
    max: 86_400_000,
    doc: 'Window of the sign-in throttles below.',
  },
  'security.throttle.login.per-account': {
    type: 'integer',
    default: '4',
    min: 1,
    max: 1000,
    doc: 'Failed sign-ins for one account from one client address per window; keep it below security.lockout.max-attempts so a workstation is slowed before the account locks everywhere.',
  },
  'security.throttle.login.per-address': {
    type: 'integer',
    default: '20',
    min: 1,
    max: 100_000,
    doc: 'Failed sign-ins from one client address (all accounts) per window; accounts that signed in there before keep signing in.',
  },
  'security.throttle.api.window': {
    type: 'duration',
    default: '1m',
    min: 1000,
    max: 3_600_000,
    doc: 'Window of the API throttles below.',
  },
  'security.throttle.api.per-user': {
    type: 'integer',
    default: '3000',
    min: 0,
    doc: 'API requests of one signed-in user per window (all instances together); 0 means no limit.',
  },
  'security.throttle.api.per-address': {
    type: 'integer',
    default: '6000',
    min: 0,
    doc: 'API requests from one client address per window, signed in or not; 0 means no limit. A ward behind one NAT address shares it.',
  },
  'security.brute-force.window': {
    type: 'duration',
    default: '1h',
    min: 1000,
    max: 604_800_000,
    doc: 'Window in which the brute-force detector counts distinct accounts and addresses.',
  },
  'security.brute-force.accounts-per-address': {
    type: 'integer',
    default: '5',
    min: 2,
    doc: 'BRUTE_FORCE is logged when one client address fails to sign in to this many distinct accounts within the window.',
  },
  'security.brute-force.addresses-per-account': {
    type: 'integer',
    default: '5',
    min: 2,
    doc: 'BRUTE_FORCE is logged when one account fails to sign in from this many distinct client addresses within the window.',
  },
  'security.bootstrap.admin-password': {
    type: 'string',
    default: '',
    doc: 'Password of the first admin on an empty database; empty generates one (printed once, must be changed).',
  },
  'security.encryption.key-file': {
    type: 'string',
    default: '',
    doc: 'File of the field-encryption keys (id=base64 lines, the last one active, mode 0600); empty means <data.dir>/keys/field-encryption.keys, generated on first start.',
  },
  'security.audit.seal-interval': {
    type: 'duration',
    default: '2s',
    min: 100,
    max: 3_600_000,
    doc: 'How often new audit_events rows are sealed into the hash chain (one instance seals at a time).',
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
