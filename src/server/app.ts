import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { ConfigError, type AppConfig } from '../config/load.js';
import type { Database } from '../db/index.js';
import {
  CareTeamService,
  EmergencyAccessService,
  PatientAccessService,
  registerAccessRoutes,
} from '../modules/access/index.js';
import { AdmissionsService, registerAdmissionRoutes } from '../modules/admissions/index.js';
import {
  BalancesService,
  FinanceReportService,
  InvoicesService,
  PaymentsService,
  ReceiptsService,
  registerBalanceRoutes,
  registerFinanceReportRoutes,
  registerInvoiceRoutes,
  registerPaymentRoutes,
} from '../modules/billing/index.js';
import {
  ClaimExportService,
  ClaimsService,
  ClaimWorkflowService,
  CoverageService,
  registerClaimRoutes,
  registerCoverageRoutes,
} from '../modules/claims/index.js';
import {
  DashboardService,
  registerDashboardFreshness,
  registerDashboardRoutes,
} from '../modules/dashboard/index.js';
import { registerReportRoutes, ReportsService } from '../modules/reports/index.js';
import { openReplicaDatabase, replicaName, ReplicaRoutedDatabase } from '../db/replica.js';
import {
  AppointmentQueriesService,
  AppointmentsService,
  registerAppointmentRoutes,
} from '../modules/appointments/index.js';
import {
  AccessLogService,
  AuditSealer,
  AuditTrail,
  registerAccessLogRoutes,
  registerAuditRoutes,
} from '../modules/audit/index.js';
import {
  AccessReviewService,
  FieldEncryptionService,
  openFieldCipher,
  type FieldCipher,
} from '../modules/security/index.js';
import { DepartmentsService, registerDepartmentRoutes } from '../modules/departments/index.js';
import {
  DoctorSchedulesService,
  DoctorsService,
  registerDoctorRoutes,
  registerScheduleRoutes,
} from '../modules/doctors/index.js';
import {
  DocumentStorage,
  DocumentsService,
  multipartOptions,
  registerDocumentRoutes,
} from '../modules/documents/index.js';
import { ClinicalAccess, HistoryService, registerHistoryRoutes } from '../modules/history/index.js';
import {
  PatientDuplicatesService,
  PatientMergeService,
  PatientsService,
  registerPatientMergeRoutes,
  registerPatientRoutes,
} from '../modules/patients/index.js';
import {
  AuthService,
  FailedAttempts,
  MfaService,
  registerAuthRoutes,
  registerMfaRoutes,
  registerUserRoutes,
  SessionsService,
  UsersService,
  SessionCache,
  SESSION_CHANGES_CHANNEL,
} from '../modules/users/index.js';
import { systemClock, type Clock } from '../shared/clock.js';
import {
  HealthService,
  databaseIndicator,
  replicaIndicator,
  diskSpaceIndicator,
  volumeUsage,
} from '../observability/health.js';
import { lastSuccessfulBackup } from '../operations/backup/backup-files.js';
import type { Loggers } from '../observability/logger.js';
import { Metrics, UNMATCHED_ROUTE } from '../observability/metrics.js';
import { errorHandler, sendProblem } from './error-handler.js';
import { buildManagementServer } from './management.js';
import { openThrottling } from '../modules/throttling/index.js';
import { registerAttackDetection } from './plugins/attack-detection.js';
import { registerAuthentication } from './plugins/authentication.js';
import { API_DOCS_CONTENT_SECURITY_POLICY, registerSecurityHeaders } from './plugins/security-headers.js';
import { registerThrottling } from './plugins/throttling.js';
import { httpsOptions } from './tls.js';
import { refuseNulCharacters } from './plugins/request-guard.js';
import type { Api } from './types.js';
import { defaultWebRoot, registerWebApp } from './web-app.js';
import { createValidatorCompiler } from './validation.js';
import { VERSION } from './version.js';
import { CachedReads, cacheNamespaces, InProcessCache, openCache, type Cache } from '../cache/index.js';
import { warnIfPdfFontMissing } from '../shared/pdf/fonts.js';

export interface AppDependencies {
  readonly db: Database;
  readonly loggers: Loggers;
  /**
   * Where replica-eligible reads go (patient lists and searches, reports, the dashboard): buildApp passes
   * a ReplicaRoutedDatabase over datasource.replica-url here; the primary serves when absent.
   */
  readonly replica?: Database | undefined;
  /** The time as services see it (session timeouts, TOTP); tests pass a clock they can move. */
  readonly clock?: Clock | undefined;
  /** Cache-aside reads shared by every service (src/cache); createServices makes an in-process one when absent. */
  readonly cache?: CachedReads | undefined;
  /** A cache store to use instead of the configured Redis or in-process one (tests inject failures). */
  readonly cacheStore?: Cache | undefined;
  /**
   * The field-encryption keys (national ids, policy numbers); createServices opens the configured key
   * file when absent (generating the default one on first use).
   */
  readonly fieldCipher?: FieldCipher | undefined;
  /** The built web application (dist/web by default, src/server/web-app.ts); tests pass their own folder. */
  readonly webRoot?: string | undefined;
}

/** The services behind the routes, for the CLI and tests that drive them directly. */
export interface AppServices {
  readonly audit: AuditTrail;
  readonly auth: AuthService;
  readonly mfa: MfaService;
  readonly sessions: SessionsService;
  /** Sessions this instance checked in the last seconds (buildApp keeps it in step with the database). */
  readonly sessionCache: SessionCache;
  readonly users: UsersService;
  readonly patients: PatientsService;
  readonly patientMerges: PatientMergeService;
  readonly patientDuplicates: PatientDuplicatesService;
  readonly departments: DepartmentsService;
  readonly doctors: DoctorsService;
  readonly doctorSchedules: DoctorSchedulesService;
  readonly appointments: AppointmentsService;
  readonly appointmentQueries: AppointmentQueriesService;
  readonly admissions: AdmissionsService;
  readonly history: HistoryService;
  readonly documents: DocumentsService;
  readonly reports: ReportsService;
  readonly dashboard: DashboardService;
  readonly patientAccess: PatientAccessService;
  readonly careTeam: CareTeamService;
  readonly emergencyAccess: EmergencyAccessService;
  readonly invoices: InvoicesService;
  readonly payments: PaymentsService;
  readonly receipts: ReceiptsService;
  readonly balances: BalancesService;
  readonly financeReport: FinanceReportService;
  readonly coverage: CoverageService;
  readonly claims: ClaimsService;
  readonly claimWorkflow: ClaimWorkflowService;
  readonly claimExports: ClaimExportService;
  readonly fieldEncryption: FieldEncryptionService;
  readonly accessReview: AccessReviewService;
  readonly auditSealer: AuditSealer;
  readonly accessLog: AccessLogService;
}

/** One registered /api/v1 route and what it declares, for the role-matrix test and tooling. */
export interface RouteDeclaration {
  readonly method: string;
  readonly url: string;
  readonly permission: string | undefined;
  readonly public: boolean;
}

export interface MediSysApp {
  readonly api: Api;
  readonly management: FastifyInstance;
  readonly services: AppServices;
  readonly metrics: Metrics;
  readonly health: HealthService;
  /** The cache-aside reads of this instance (Redis or in-process). */
  readonly cache: CachedReads;
  /** Every /api/v1 route registered, with its declared permission. */
  readonly routes: readonly RouteDeclaration[];
  /** Readiness goes DOWN first on shutdown so load balancers stop sending before the listener closes. */
  markShuttingDown(): void;
  close(): Promise<void>;
}

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;
/** Sessions one instance remembers at most (the oldest goes first): a few bytes each. */
const SESSION_CACHE_ENTRIES = 20_000;

export function createServices(
  config: AppConfig,
  dependencies: AppDependencies,
  metrics: Metrics,
): AppServices {
  const { db, loggers } = dependencies;
  const cache =
    dependencies.cache ??
    new CachedReads(new InProcessCache(), { keyPrefix: config.cache.keyPrefix, ttls: config.cache.ttl });
  const audit = new AuditTrail(db, loggers, metrics);
  const fieldCipher = dependencies.fieldCipher ?? openFieldCipher(config).cipher;
  const patientAccess = new PatientAccessService(db, audit, loggers);
  const careTeam = new CareTeamService(db, audit, patientAccess);
  const clinicalAccess = new ClinicalAccess(patientAccess);
  const history = new HistoryService(db, audit, clinicalAccess, config.hospital.timezone);
  const patientMerges = new PatientMergeService(db, audit, cache);
  const documents = new DocumentsService(
    db,
    audit,
    new DocumentStorage(config.uploadsDir),
    config.uploadsMaxFileBytes,
    patientAccess,
  );
  const readDb = dependencies.replica ?? db;
  const payments = new PaymentsService(db, audit, config.hospital.timezone);
  const clock = dependencies.clock ?? systemClock;
  const sessionCache = new SessionCache({
    ttlMs: config.security.session.cacheTtlMs,
    maxEntries: SESSION_CACHE_ENTRIES,
    onLookup: (result) => metrics.cacheRequests.inc({ cache: 'sessions', result }),
  });
  const failedAttempts = new FailedAttempts(db, config, loggers, metrics, sessionCache);
  const mfa = new MfaService(db, audit, loggers, config, failedAttempts, clock, sessionCache);
  const users = new UsersService(db, audit, loggers, sessionCache);
  return {
    invoices: new InvoicesService(db, audit, config.hospital.timezone),
    payments,
    receipts: new ReceiptsService(db, audit, config.hospital.timezone),
    balances: new BalancesService(db, audit, config.hospital.timezone),
    financeReport: new FinanceReportService(readDb, db, audit, config.hospital.timezone),
    coverage: new CoverageService(db, audit, config.hospital.timezone, fieldCipher),
    claims: new ClaimsService(db, audit, config.hospital.timezone, fieldCipher),
    claimWorkflow: new ClaimWorkflowService(db, audit, payments, fieldCipher),
    claimExports: new ClaimExportService(db, audit, fieldCipher),
    fieldEncryption: new FieldEncryptionService(db, fieldCipher, audit),
    auditSealer: new AuditSealer(db, loggers),
    accessLog: new AccessLogService(db, audit, config.hospital.timezone),
    reports: new ReportsService(readDb, db, audit, config.hospital.timezone),
    dashboard: new DashboardService(readDb, config.hospital.timezone, cache),
    audit,
    auth: new AuthService(db, config, loggers, metrics, mfa, failedAttempts, clock, sessionCache),
    mfa,
    sessions: new SessionsService(db, config, loggers, clock, sessionCache),
    sessionCache,
    users,
    accessReview: new AccessReviewService(users, audit),
    patients: new PatientsService(db, audit, cache, fieldCipher, readDb),
    patientMerges,
    patientDuplicates: new PatientDuplicatesService(db, audit),
    departments: new DepartmentsService(db, audit, cache),
    doctors: new DoctorsService(db, audit, cache),
    doctorSchedules: new DoctorSchedulesService(db, audit, config.hospital.timezone),
    appointments: new AppointmentsService(db, audit, config.hospital.timezone),
    appointmentQueries: new AppointmentQueriesService(db, audit, config.hospital.timezone, patientAccess),
    history,
    admissions: new AdmissionsService(
      db,
      audit,
      clinicalAccess,
      config.hospital.timezone,
      {
        appointments: (tx, from, to, context) => patientMerges.moveAppointments(tx, from, to, context),
        historyEntries: (tx, from, to, context) => history.movePatientRecords(tx, from, to, context),
        careTeamMembers: (tx, from, to, context) => careTeam.movePatientRecords(tx, from, to, context),
        documents: (tx, from, to, context) => documents.movePatientRecords(tx, from, to, context),
      },
      (patientIds) => cache.invalidate(patientIds.map(cacheNamespaces.patient)),
    ),
    documents,
    patientAccess,
    careTeam,
    emergencyAccess: new EmergencyAccessService(
      db,
      audit,
      loggers,
      patientAccess,
      config.security.breakGlass.durationMs,
    ),
  };
}

/** The one composition root: every module is registered here with its prefix. */
export async function buildApp(config: AppConfig, dependencies: AppDependencies): Promise<MediSysApp> {
  const { db, loggers } = dependencies;
  let shuttingDown = false;
  warnIfPdfFontMissing(loggers.app);
  if (config.datasource.replicaUrl && db.kind !== 'postgres') {
    throw new ConfigError(
      'datasource.replica-url needs datasource.url: a read replica is a standby of an external PostgreSQL, never of the embedded database.',
      'datasource.replica-url',
    );
  }
  // The replica pool is opened here unless the caller passed one, and then closed with the app.
  const ownReplica = dependencies.replica ? undefined : openReplicaDatabase(config);
  const replicaPool = dependencies.replica ?? ownReplica;
  const replica = replicaPool
    ? new ReplicaRoutedDatabase(db, replicaPool, {
        name: replicaName(config.datasource.replicaUrl),
        maxLagMs: config.datasource.replicaMaxLagMs,
        onRead: (route) =>
          metrics.replicaReads.inc({
            source: route.source,
            reason: route.source === 'replica' ? 'fresh' : route.reason,
          }),
        onStateChange: (status) =>
          status.unusable
            ? loggers.app.warn(
                { replica: status.name, reason: status.unusable, error: status.error },
                'read replica not used: reads go to the primary',
              )
            : loggers.app.info({ replica: status.name }, 'read replica serving reads'),
      })
    : undefined;
  const metrics = new Metrics({
    poolStatistics: () => db.statistics(),
    connectionFailures: () => db.connectionFailures(),
    ready: () => (shuttingDown ? 0 : 1),
    lastBackupSeconds: () => (lastSuccessfulBackup(config.backup.dir)?.getTime() ?? 0) / 1000,
    disk: () => volumeUsage(config.dataDir),
    ...(replica ? { replica: () => replica.status() } : {}),
  });
  replica?.start();
  // Redis (redis.url / redis.cluster.nodes) or in-process; its health is the non-critical `redis` component.
  const cache = openCache(config, {
    metrics,
    logger: loggers.app,
    entryVersion: VERSION,
    cache: dependencies.cacheStore,
  });
  const services = createServices(config, { ...dependencies, replica, cache: cache.reads }, metrics);
  // Sessions are remembered only while every change to them is heard (migration 0021's notifications).
  const sessionChanges = services.sessionCache.enabled
    ? db.listen(SESSION_CHANGES_CHANNEL, {
        onMessage: (userId) => services.sessionCache.changed(userId),
        onState: (listening) => services.sessionCache.setListening(listening),
      })
    : undefined;
  const health = new HealthService([
    databaseIndicator(db),
    cache.indicator,
    diskSpaceIndicator(config.dataDir),
    ...(replica ? [replicaIndicator(() => replica.status())] : []),
  ]);

  const logger: FastifyBaseLogger = loggers.app;
  const https = httpsOptions(config);
  const api = Fastify({
    // The API type is written for node:http; an https.Server answers the same requests.
    ...((https ? { https } : {}) as object),
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.server.bodyLimitBytes,
    trustProxy: config.server.trustProxy.length > 0 ? [...config.server.trustProxy] : false,
    requestIdHeader: false,
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
    },
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true },
    },
    // A request that reaches a closing instance (on a keep-alive connection the load balancer had not
    // yet given up) is served, with Connection: close, rather than failed with a bare 503: in-flight
    // work finishes before the pool closes anyway, and a POST without Idempotency-Key cannot be retried.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
  }).withTypeProvider<TypeBoxTypeProvider>();

  api.setValidatorCompiler(createValidatorCompiler());
  api.removeContentTypeParser('text/plain');
  api.setErrorHandler(errorHandler);
  api.setNotFoundHandler((request, reply) =>
    sendProblem(reply, {
      status: 404,
      title: 'Not found',
      detail: `There is no ${request.method} ${request.url.split('?')[0]}.`,
    }),
  );
  api.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    void reply.header('cache-control', 'no-store');
  });
  registerSecurityHeaders(api, { enabled: config.security.headersEnabled });
  api.addHook('preValidation', refuseNulCharacters);
  registerDashboardFreshness(api, services.dashboard);
  api.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    const labels = { method: request.method, route, status: String(reply.statusCode) };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
    request.log.info(
      {
        requestId: request.id,
        method: request.method,
        route,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });

  await api.register(fastifyCookie);
  await api.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'MediSys API',
        version: VERSION,
        description:
          'Hospital management: patients, clinical work, finance and reports. Errors are application/problem+json.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          cookie: {
            type: 'apiKey',
            in: 'cookie',
            name: 'medisys_session',
            description:
              'Set by sign-in: medisys_session over HTTP, __Host-medisys_session (Secure) over HTTPS. Writes made with it need the X-CSRF-Token header.',
          },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
  });
  await api.register(fastifySwaggerUi, {
    routePrefix: '/api/docs',
    ...(config.security.headersEnabled ? { staticCSP: API_DOCS_CONTENT_SECURITY_POLICY } : {}),
  });
  const throttling = config.security.throttle.enabled
    ? openThrottling(config, db, {
        metrics,
        loggers,
        clockMs: () => (dependencies.clock ?? systemClock).now().getTime(),
      })
    : undefined;
  if (throttling) registerThrottling(api, { throttling, metrics, loggers });
  registerAuthentication(api, { auth: services.auth, mfa: services.mfa, audit: services.audit, loggers });
  registerAttackDetection(api, { loggers, metrics });
  const routes: RouteDeclaration[] = [];
  api.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1')) return;
    const config = route.config as { permission?: string; public?: boolean } | undefined;
    for (const method of [route.method].flat()) {
      routes.push({
        method,
        url: route.url,
        permission: config?.permission,
        public: config?.public === true,
      });
    }
  });

  api.get('/api/health', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
    const report = await health.check();
    return reply
      .code(report.status === 'UP' && !shuttingDown ? 200 : 503)
      .send({ status: shuttingDown ? 'DOWN' : report.status });
  });
  api.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () =>
    api.swagger(),
  );
  await registerWebApp(api, dependencies.webRoot === undefined ? defaultWebRoot() : dependencies.webRoot);

  registerAuthRoutes(api, services);
  registerMfaRoutes(api, services.mfa);
  registerUserRoutes(api, services.users);
  registerPatientRoutes(api, services.patients);
  registerPatientMergeRoutes(api, services.patientMerges, services.patientDuplicates);
  registerDepartmentRoutes(api, services.departments);
  registerDoctorRoutes(api, services.doctors);
  registerScheduleRoutes(api, services.doctorSchedules);
  registerAppointmentRoutes(api, services.appointments, services.appointmentQueries);
  registerAdmissionRoutes(api, services.admissions);
  registerHistoryRoutes(api, services.history);
  // Multipart parsing only where uploads are taken: every other route keeps refusing it with 415.
  await api.register(async (uploads) => {
    await uploads.register(fastifyMultipart, multipartOptions(config.uploadsMaxFileBytes));
    registerDocumentRoutes(uploads, services.documents);
  });
  registerAuditRoutes(api, services.audit);
  registerAccessLogRoutes(api, services.accessLog);
  registerReportRoutes(api, services.reports);
  registerInvoiceRoutes(api, services.invoices);
  registerPaymentRoutes(api, services.payments, services.receipts);
  registerBalanceRoutes(api, services.balances);
  registerFinanceReportRoutes(api, services.financeReport);
  registerCoverageRoutes(api, services.coverage);
  registerClaimRoutes(api, {
    claims: services.claims,
    workflow: services.claimWorkflow,
    exports: services.claimExports,
  });
  registerDashboardRoutes(api, services.dashboard);
  registerAccessRoutes(api, services);

  const management = await buildManagementServer({
    config,
    db,
    metrics,
    health,
    logger: loggers.app,
    isShuttingDown: () => shuttingDown,
  });

  await api.ready();
  return {
    api,
    management,
    services,
    metrics,
    health,
    cache: cache.reads,
    routes,
    markShuttingDown(): void {
      shuttingDown = true;
    },
    async close(): Promise<void> {
      shuttingDown = true;
      await Promise.all([api.close(), management.close()]);
      await throttling?.close();
      await sessionChanges?.close();
      // A replica pool the caller passed in is the caller's to close.
      if (ownReplica) await replica?.close();
      else replica?.monitor.stop();
      await cache.close();
    },
  };
}
