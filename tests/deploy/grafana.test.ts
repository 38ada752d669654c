import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/processes.js';

const GRAFANA = path.join(ROOT, 'deploy', 'grafana');

interface Target {
  readonly refId: string;
  readonly expr: string;
  readonly datasource: { readonly type: string; readonly uid: string };
}
interface Panel {
  readonly id: number;
  readonly title: string;
  readonly type: string;
  readonly datasource: { readonly type: string; readonly uid: string };
  readonly targets: Target[];
}

/**
 * The dashboard file as the manual's `curl -X POST .../api/dashboards/db -d @dashboards/medisys-overview.json`
 * sends it, and the provisioning files. (Every query is run against a real Prometheus in
 * tests/ops/prometheus-alerts.test.ts.)
 */
describe('Grafana dashboard and provisioning', () => {
  const payload = JSON.parse(
    readFileSync(path.join(GRAFANA, 'dashboards', 'medisys-overview.json'), 'utf8'),
  ) as {
    dashboard: {
      id: null;
      uid: string;
      title: string;
      panels: Panel[];
      templating: { list: { name: string; type: string }[] };
    };
    overwrite: boolean;
  };

  it('is wrapped for the dashboards API: a dashboard with a title and a fixed uid, overwriting', () => {
    expect(payload.overwrite).toBe(true);
    expect(payload.dashboard.id).toBeNull();
    expect(payload.dashboard.uid).toBe('medisys-overview');
    expect(payload.dashboard.title).toBe('MediSys overview');
  });

  it('has a panel for each figure operators watch, all on the chosen Prometheus', () => {
    const titles = payload.dashboard.panels.map((panel) => panel.title);
    for (const expected of [
      'Request rate',
      'Error rate (5xx share)',
      'p95 response time by route',
      'Database pool use',
      'Cache hit ratio',
      'Sign-ins and failures',
      'Instances up',
      'Replica lag',
      'Backup age',
    ]) {
      expect(titles).toContain(expected);
    }
    const ids = payload.dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of payload.dashboard.panels) {
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets) expect(target.expr.trim(), panel.title).not.toBe('');
    }
    expect(payload.dashboard.templating.list.map((variable) => [variable.name, variable.type])).toEqual([
      ['datasource', 'datasource'],
      ['instance', 'query'],
    ]);
  });

  it('provisions the Prometheus data source and a dashboards folder', () => {
    const datasource = readFileSync(
      path.join(GRAFANA, 'provisioning', 'datasources', 'prometheus.yml'),
      'utf8',
    );
    expect(datasource).toMatch(/^apiVersion: 1$/m);
    expect(datasource).toMatch(/type: prometheus/);
    expect(datasource).toMatch(/url: http:\/\/prometheus:9090/);
    const provider = readFileSync(path.join(GRAFANA, 'provisioning', 'dashboards', 'medisys.yml'), 'utf8');
    expect(provider).toMatch(/type: file/);
    expect(provider).toMatch(/path: \/var\/lib\/grafana\/dashboards\/medisys/);
    // The provider reads plain dashboards: the documented install unwraps the API payload.
    expect(provider).toContain('jq .dashboard deploy/grafana/dashboards/medisys-overview.json');
  });
});
