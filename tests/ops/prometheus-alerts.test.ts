import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTGRES_AVAILABLE } from '../support/databases.js';
import { createStaffUser, signIn } from '../support/fleet.js';
import {
  eventually,
  http,
  ROOT,
  runMediSys,
  startMediSys,
  type RunningMediSys,
} from '../support/processes.js';
import { createScratchCluster, freePort, type ScratchCluster } from '../support/scratch-cluster.js';

const PROMETHEUS_DIR = path.join(ROOT, 'deploy', 'prometheus');
const DASHBOARD = path.join(ROOT, 'deploy', 'grafana', 'dashboards', 'medisys-overview.json');

interface Panel {
  readonly title: string;
  readonly targets?: { readonly expr: string }[];
}

/** Every panel query of the dashboard, with Grafana's variables replaced as Grafana would. */
function dashboardQueries(): { title: string; expr: string }[] {
  const { dashboard } = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { dashboard: { panels: Panel[] } };
  return dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      title: panel.title,
      expr: target.expr
        .replaceAll('$__rate_interval', '1m')
        .replaceAll('$__interval', '15s')
        .replaceAll('$__range', '1h')
        .replaceAll('$instance', '.*'),
    })),
  );
}

/**
 * A real Prometheus scraping two MediSys instances every second, with a copy of deploy/prometheus/alerts.yml
 * whose `for:` durations are shortened: ApplicationDown fires for the killed instance, HighErrorRate
 * when the database is stopped and the API answers 503; and every Grafana panel query is accepted.
 */
describe.runIf(POSTGRES_AVAILABLE)('Prometheus scraping MediSys, with the shipped alert rules', () => {
  let cluster: ScratchCluster;
  let workDir: string;
  let prometheus: ChildProcess | undefined;
  let prometheusUrl: string;
  let token: string;
  const instances: RunningMediSys[] = [];
  const env = (): Record<string, string> => ({
    MEDISYS_DATASOURCE_URL: cluster.url('medisys'),
    MEDISYS_SECURITY_BOOTSTRAP_ADMIN_PASSWORD: 'prometheus scrape passphrase',
    MEDISYS_DATASOURCE_POOL_CONNECTION_TIMEOUT: '1000',
  });
  const target = (instance: RunningMediSys): string => new URL(instance.managementUrl).host;

  async function query(
    expr: string,
  ): Promise<{ status: string; data?: { result: unknown[] }; error?: string }> {
    const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    return (await response.json()) as { status: string; data?: { result: unknown[] }; error?: string };
  }

  async function firing(alertname: string): Promise<Record<string, string>[]> {
    const body = (await (await fetch(`${prometheusUrl}/api/v1/alerts`)).json()) as {
      data: { alerts: { labels: Record<string, string>; state: string }[] };
    };
    return body.data.alerts
      .filter((alert) => alert.labels['alertname'] === alertname && alert.state === 'firing')
      .map((alert) => alert.labels);
  }

  beforeAll(async () => {
    cluster = await createScratchCluster();
    const admin = new pg.Client({ connectionString: cluster.url() });
    await admin.connect();
    await admin.query('CREATE DATABASE medisys');
    await admin.end();
    workDir = mkdtempSync(path.join(tmpdir(), 'medisys-prometheus-'));
    expect((await runMediSys(['migrate'], { cwd: workDir, env: env() })).status).toBe(0);
    // The first start writes the shared key file; the rest only read it, so they may run together.
    instances.push(await startMediSys({ cwd: workDir, env: env() }));
    const [second] = await Promise.all([
      startMediSys({ cwd: workDir, env: env() }),
      createStaffUser(workDir, env()),
    ]);
    instances.push(second);
    token = await signIn(instances[0]!.apiUrl);

    // The shipped rules with their `for:` shortened; expressions, labels and annotations untouched.
    const rules = readFileSync(path.join(PROMETHEUS_DIR, 'alerts.yml'), 'utf8').replace(
      /^(\s+)for: \S+$/gm,
      '$1for: 2s',
    );
    writeFileSync(path.join(workDir, 'alerts.yml'), rules);
    writeFileSync(
      path.join(workDir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'rule_files:',
        '  - alerts.yml',
        'scrape_configs:',
        '  - job_name: medisys-app',
        '    metrics_path: /actuator/prometheus',
        '    static_configs:',
        `      - targets: [${instances.map((instance) => `'${target(instance)}'`).join(', ')}]`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    mkdirSync(path.join(workDir, 'tsdb'));
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${path.join(workDir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(workDir, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: 'ignore' },
    );
    expect(await eventually(async () => (await fetch(`${prometheusUrl}/-/ready`)).ok, 20_000, 200)).toBe(
      true,
    );
    // Both instances scraped at least twice, so that rate() has something to work with.
    expect(
      await eventually(
        async () => {
          const result = await query('count(count_over_time(up{job="medisys-app"}[1m]) >= 3)');
          return JSON.stringify(result.data?.result ?? []).includes('"2"');
        },
        20_000,
        500,
      ),
    ).toBe(true);
    // Slow on a busy CI machine: two processes, a cluster and CLI commands start here.
  }, 180_000);
  afterAll(async () => {
    prometheus?.kill('SIGKILL');
    await Promise.all(instances.map((instance) => instance.stop('SIGKILL')));
    cluster?.destroy();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('accepts every query of the Grafana dashboard, and the core panels have data', async () => {
    for (let index = 0; index < 10; index++) {
      await http(`${instances[index % 2]!.apiUrl}/api/v1/patients?q=grafana`, { token });
    }
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThanOrEqual(12);
    for (const { title, expr } of queries) {
      const result = await query(expr);
      expect({ title, expr, status: result.status, error: result.error }).toMatchObject({
        status: 'success',
      });
    }
    for (const title of ['Instances up', 'Request rate', 'Database pool use', 'Sign-ins and failures']) {
      const panelQuery = queries.find((entry) => entry.title === title)!;
      expect(
        await eventually(
          async () => ((await query(panelQuery.expr)).data?.result.length ?? 0) > 0,
          10_000,
          500,
        ),
        title,
      ).toBe(true);
    }
  });

  it('fires HighErrorRate while the database is down and the API answers 503', async () => {
    expect(await firing('HighErrorRate')).toEqual([]);
    await cluster.stopAsync('fast');
    try {
      // rate() needs the new 503 series in at least two scrapes with different values, so the errors are
      // spread over time (a burst inside one scrape interval would read as a flat line) and keep coming
      // until the alert fires: well over 0.1 per second averaged over the rule's 5 minutes.
      const statuses: number[] = [];
      const fired = await eventually(
        async () => {
          for (let index = 0; index < 10; index++) {
            statuses.push((await http(`${instances[0]!.apiUrl}/api/v1/patients?q=down`, { token })).status);
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          return (await firing('HighErrorRate')).length > 0;
        },
        60_000,
        0,
      );
      // The first requests may still find a pooled connection dying; the rest answer 503.
      expect(statuses.filter((status) => status === 503).length).toBeGreaterThan(statuses.length * 0.8);
      expect(fired).toBe(true);
      const alert = (await firing('HighErrorRate'))[0]!;
      expect(alert).toMatchObject({ severity: 'critical', instance: target(instances[0]!), status: '503' });
    } finally {
      await cluster.startAsync();
    }
  });

  it('fires ApplicationDown for the killed instance only', async () => {
    const [survivor, victim] = instances as [RunningMediSys, RunningMediSys];
    expect(await firing('ApplicationDown')).toEqual([]);
    await victim.stop('SIGKILL');
    expect(await eventually(async () => (await firing('ApplicationDown')).length > 0, 30_000, 500)).toBe(
      true,
    );
    const alerts = await firing('ApplicationDown');
    expect(alerts.map((labels) => labels['instance'])).toEqual([target(victim)]);
    expect(alerts[0]).toMatchObject({ severity: 'critical', job: 'medisys-app' });
    expect(alerts.map((labels) => labels['instance'])).not.toContain(target(survivor));
  });
});
