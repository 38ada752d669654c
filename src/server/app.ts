import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { AppConfig } from '../config/load.js';
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
import { DashboardService, registerDashboardRoutes } from '../modules/dashboard/index.js';
import { registerReportRoutes, ReportsService } from '../modules/reports/index.js';
import { openReplicaDatabase } from '../db/replica.js';
import {
  AppointmentQueriesService,
  AppointmentsService,
  registerAppointmentRoutes,
} from '../modules/appointments/index.js';
import { AuditTrail, registerAuditRoutes } from '../modules/audit/index.js';
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
import { AuthService, registerAuthRoutes, registerUserRoutes, UsersService } from '../modules/users/index.js';
import {
  HealthService,
  databaseIndicator,
  diskSpaceIndicator,
  volumeUsage,
} from '../observability/health.js';
import { lastSuccessfulBackup } from '../operations/backup/backup-files.js';
import type { Loggers } from '../observability/logger.js';
import { Metrics, UNMATCHED_ROUTE } from '../observability/metrics.js';
import { errorHandler, sendProblem } from './error-handler.js';
import { buildManagementServer } from './management.js';
import { registerAuthentication } from './plugins/authentication.js';
import { refuseNulCharacters } from './plugins/request-guard.js';
import type { Api } from './types.js';
import { createValidatorCompiler } from './validation.js';
import { VERSION } from './version.js';

export interface AppDependencies {
  readonly db: Database;
  readonly loggers: Loggers;
  /** Read replica for reports and the dashboard (datasource.replica-url); the primary serves when absent. */
  readonly replica?: Database | undefined;
}

/** The services behind the routes, for the CLI and tests that drive them directly. */
export interface AppServices {
  readonly audit: AuditTrail;
  readonly auth: AuthService;
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
  /** Every /api/v1 route registered, with its declared permission. */
  readonly routes: readonly RouteDeclaration[];
  /** Readiness goes DOWN first on shutdown so load balancers stop sending before the listener closes. */
  markShuttingDown(): void;
  close(): Promise<void>;
}

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

export function createServices(
  config: AppConfig,
  dependencies: AppDependencies,
  metrics: Metrics,
): AppServices {
  const { db, loggers } = dependencies;
  const audit = new AuditTrail(db, loggers, metrics);
  const patientAccess = new PatientAccessService(db, audit, loggers);
  const careTeam = new CareTeamService(db, audit, patientAccess);
  const clinicalAccess = new ClinicalAccess(patientAccess);
  const history = new HistoryService(db, audit, clinicalAccess, config.hospital.timezone);
  const readDb = dependencies.replica ?? db;
  const payments = new PaymentsService(db, audit, config.hospital.timezone);
  return {
    invoices: new InvoicesService(db, audit, config.hospital.timezone),
    payments,
    receipts: new ReceiptsService(db, audit, config.hospital.timezone),
    balances: new BalancesService(db, audit, config.hospital.timezone),
    financeReport: new FinanceReportService(readDb, db, audit, config.hospital.timezone),
    coverage: new CoverageService(db, audit, config.hospital.timezone),
    claims: new ClaimsService(db, audit, config.hospital.timezone),
    claimWorkflow: new ClaimWorkflowService(db, audit, payments),
    claimExports: new ClaimExportService(db, audit),
    reports: new ReportsService(readDb, db, audit, config.hospital.timezone),
    dashboard: new DashboardService(readDb, config.hospital.timezone, {
      onCacheLookup: (result) => metrics.cacheRequests.inc({ cache: 'dashboard', result }),
    }),
    audit,
    auth: new AuthService(db, config, loggers, metrics),
    users: new UsersService(db, audit, loggers),
    patients: new PatientsService(db, audit),
    patientMerges: new PatientMergeService(db, audit),
    patientDuplicates: new PatientDuplicatesService(db, audit),
    departments: new DepartmentsService(db, audit),
    doctors: new DoctorsService(db, audit),
    doctorSchedules: new DoctorSchedulesService(db, audit, config.hospital.timezone),
    appointments: new AppointmentsService(db, audit, config.hospital.timezone),
    appointmentQueries: new AppointmentQueriesService(db, audit, config.hospital.timezone, patientAccess),
    history,
    admissions: new AdmissionsService(db, audit, clinicalAccess, config.hospital.timezone, {
      historyEntries: (tx, from, to, context) => history.movePatientRecords(tx, from, to, context),
      careTeamMembers: (tx, from, to, context) => careTeam.movePatientRecords(tx, from, to, context),
    }),
    documents: new DocumentsService(
      db,
      audit,
      new DocumentStorage(config.uploadsDir),
      config.uploadsMaxFileBytes,
      patientAccess,
    ),
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
  const metrics = new Metrics({
    poolStatistics: () => db.statistics(),
    connectionFailures: () => db.connectionFailures(),
    ready: () => (shuttingDown ? 0 : 1),
    lastBackupSeconds: () => (lastSuccessfulBackup(config.backup.dir)?.getTime() ?? 0) / 1000,
    disk: () => volumeUsage(config.dataDir),
  });
  // Opened here unless the caller passed one, and then closed with the app.
  const ownReplica = dependencies.replica
    ? undefined
    : openReplicaDatabase(config, (error) =>
        loggers.app.warn({ err: { message: error.message } }, 'replica connection error'),
      );
  const services = createServices(
    config,
    { ...dependencies, replica: dependencies.replica ?? ownReplica },
    metrics,
  );
  const health = new HealthService([databaseIndicator(db), diskSpaceIndicator(config.dataDir)]);

  const logger: FastifyBaseLogger = loggers.app;
  const api = Fastify({
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
    return503OnClosing: true,
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
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('cache-control', 'no-store');
  });
  api.addHook('preValidation', refuseNulCharacters);
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
          cookie: { type: 'apiKey', in: 'cookie', name: 'medisys_session' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
  });
  await api.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  registerAuthentication(api, { auth: services.auth, audit: services.audit, loggers });
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
  api.get('/', { config: { public: true }, schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .send(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>MediSys</title></head>' +
          '<body><h1>MediSys</h1><p>The API is running. Its documentation is at <a href="/api/docs">/api/docs</a>.</p></body></html>',
      ),
  );

  registerAuthRoutes(api, services.auth, db, false);
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
    routes,
    markShuttingDown(): void {
      shuttingDown = true;
    },
    async close(): Promise<void> {
      shuttingDown = true;
      await Promise.all([api.close(), management.close()]);
      await ownReplica?.close();
    },
  };
}
