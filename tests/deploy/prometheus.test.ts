import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/processes.js';
import { buildTestApp, type TestApp } from '../support/test-app.js';

const DIR = path.join(ROOT, 'deploy', 'prometheus');

async function promtool(args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    execFile('promtool', args, { cwd: DIR, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new Error(`promtool is not installed (run scripts/setup.sh): ${error.message}`));
        return;
      }
      resolve({
        status: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
        output: stdout + stderr,
      });
    });
  });
}

/** The operations manual's five rules, as written there. */
const MANUAL_RULES: [string, string, string][] = [
  ['ApplicationDown', 'up{job="medisys-app"} == 0', '1m'],
  ['DatabaseConnectionFailed', 'database_connections_failed_total > 10', '2m'],
  ['HighErrorRate', 'rate(http_requests_total{status=~"5.."}[5m]) > 0.1', '5m'],
  [
    'HighMemoryUsage',
    '(node_memory_MemTotal_bytes - node_memory_MemAvailable_bytes) / node_memory_MemTotal_bytes > 0.8',
    '10m',
  ],
  ['SlowResponseTime', 'histogram_quantile(0.95, rate(http_request_duration_seconds_bucket[5m])) > 1', '10m'],
];

describe('Prometheus configuration and alert rules', () => {
  const alerts = readFileSync(path.join(DIR, 'alerts.yml'), 'utf8');

  it('passes promtool check config, check rules and the rule unit tests', async () => {
    for (const args of [
      ['check', 'config', 'prometheus.yml'],
      ['check', 'rules', 'alerts.yml'],
      ['test', 'rules', 'alerts.test.yml'],
    ]) {
      const result = await promtool(args);
      expect(result.output).toContain('SUCCESS');
      expect(result.status).toBe(0);
    }
  });

  it('has a unit test that fires every alert it defines', () => {
    const tests = readFileSync(path.join(DIR, 'alerts.test.yml'), 'utf8');
    const defined = [...alerts.matchAll(/^\s*- alert: (\w+)$/gm)].map((match) => match[1]!);
    expect(defined.length).toBeGreaterThanOrEqual(13);
    for (const name of defined) {
      // A test case for the alert that expects it to fire (a non-empty exp_alerts list).
      expect(tests, name).toMatch(new RegExp(`alertname: ${name}\\n\\s+exp_alerts:\\n\\s+- exp_labels`));
    }
  });

  it("holds the manual's five rules exactly as written there", () => {
    for (const [name, expr, duration] of MANUAL_RULES) {
      const block = new RegExp(`- alert: ${name}\\n\\s+expr: (.+)\\n\\s+for: (\\S+)`).exec(alerts);
      expect(block, name).not.toBeNull();
      expect(block![1]).toBe(expr);
      expect(block![2]).toBe(duration);
    }
    expect(readFileSync(path.join(DIR, 'prometheus.yml'), 'utf8')).toMatch(
      /job_name: medisys-app\n\s+metrics_path: \/actuator\/prometheus/,
    );
  });

  describe('metrics the rules use', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await buildTestApp('embedded');
    });
    afterAll(async () => t?.close());

    it('are all exported by /actuator/prometheus', async () => {
      await t.app.api.inject({ method: 'GET', url: '/api/health' });
      const exported = (await t.app.management.inject({ method: 'GET', url: '/actuator/prometheus' })).body;
      const used = new Set(
        [...alerts.matchAll(/\b(medisys_[a-z_]+|hikaricp_[a-z_]+|database_[a-z_]+|http_[a-z_]+)/g)].map(
          (match) => match[1]!,
        ),
      );
      expect(used.size).toBeGreaterThanOrEqual(8);
      // A sample, or at least the declaration: the replica's series appear only where one is configured.
      for (const name of used) {
        expect(exported, name).toMatch(new RegExp(`^(${name}[{ ]|# TYPE ${name} )`, 'm'));
      }
    });
  });
});
