import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
} from 'fastify';
import type { AppConfig } from '../config/load.js';
import { migrationStatus, type Database } from '../db/index.js';
import { ActuatorMetrics } from '../observability/actuator-metrics.js';
import type { HealthService } from '../observability/health.js';
import type { Metrics } from '../observability/metrics.js';
import { COMMIT, VERSION } from './version.js';

export interface ManagementDependencies {
  readonly config: AppConfig;
  readonly db: Database;
  readonly metrics: Metrics;
  readonly health: HealthService;
  readonly logger: FastifyBaseLogger;
  readonly isShuttingDown: () => boolean;
}

/**
 * The management server on management.port: Spring Boot Actuator's endpoints and JSON shapes, so the
 * manual's runbooks (curl /actuator/health, /actuator/metrics/hikaricp.connections.active) work as written.
 */
export async function buildManagementServer(dependencies: ManagementDependencies): Promise<FastifyInstance> {
  const { db, metrics, health, isShuttingDown } = dependencies;
  const actuatorMetrics = new ActuatorMetrics(metrics);
  const management = Fastify({
    loggerInstance: dependencies.logger,
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: true,
  });
  const json = 'application/vnd.spring-boot.actuator.v3+json';

  management.get('/actuator', async (_request, reply) =>
    reply.type(json).send({
      _links: Object.fromEntries(
        ['health', 'info', 'metrics', 'prometheus'].map((name) => [
          name,
          { href: `/actuator/${name}`, templated: false },
        ]),
      ),
    }),
  );

  management.get('/actuator/health', async (_request, reply) => {
    const report = await health.check();
    return reply
      .code(report.status === 'UP' ? 200 : 503)
      .type(json)
      .send(report);
  });

  management.get('/actuator/health/liveness', async (_request, reply) =>
    reply.type(json).send({ status: 'UP' }),
  );

  management.get('/actuator/health/readiness', async (_request, reply) => {
    // Shutting down answers at once, without probing: the load balancer must see it on its next check.
    const status = !isShuttingDown() && (await health.check()).status === 'UP' ? 'UP' : 'DOWN';
    return reply
      .code(status === 'UP' ? 200 : 503)
      .type(json)
      .send({ status });
  });

  management.get('/actuator/info', async (_request, reply) => {
    let schemaVersion: number | null = null;
    try {
      schemaVersion = (await migrationStatus(db)).currentVersion;
    } catch {
      schemaVersion = null;
    }
    return reply.type(json).send({
      app: { name: 'medisys', version: VERSION },
      build: { version: VERSION, commit: COMMIT },
      database: { kind: db.kind, schemaVersion },
      runtime: {
        node: process.version,
        pid: process.pid,
        uptimeSeconds: Math.round(metrics.uptimeSeconds()),
      },
    });
  });

  management.get('/actuator/metrics', async (_request, reply) =>
    reply.type(json).send({ names: actuatorMetrics.names() }),
  );

  management.get<{ Params: { name: string }; Querystring: { tag?: string | string[] } }>(
    '/actuator/metrics/:name',
    async (request, reply) => {
      const tags = request.query.tag === undefined ? [] : [request.query.tag].flat();
      const metric = await actuatorMetrics.read(request.params.name, tags);
      if (!metric)
        return reply
          .code(404)
          .type('application/problem+json')
          .send({ status: 404, title: 'Not found', detail: `No metric named ${request.params.name}.` });
      return reply.type(json).send(metric);
    },
  );

  const prometheus = async (_request: unknown, reply: FastifyReply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  management.get('/actuator/prometheus', prometheus);
  management.get('/metrics', prometheus);

  await management.ready();
  return management;
}
