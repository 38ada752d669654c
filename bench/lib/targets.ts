import type { ScenarioResult, SearchCurvePoint, TargetCheck } from './report.js';

const percent = (value: number): string => `${Math.round(value * 100)}%`;

/** The targets, checked against this run's table (ratios to baselines of the same run). */
export function checkTargets(
  scenarios: readonly ScenarioResult[],
  curve: readonly SearchCurvePoint[],
): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const find = (name: string): ScenarioResult | undefined =>
    scenarios.find((scenario) => scenario.name === name);
  const ratioCheck = (name: string, minimum: number, label: string): void => {
    const found = find(name);
    if (found?.ratio === undefined) return;
    checks.push({
      target: `${label} >= ${percent(minimum)} of ${found.baseline}`,
      measured: percent(found.ratio),
      met: found.ratio >= minimum,
    });
  };
  const latencyCheck = (name: string, field: 'p95' | 'p99', limitMs: number, label: string): void => {
    const found = find(name);
    if (!found?.latency) return;
    const value = found.latency[field];
    checks.push({
      target: `${label} ${field} <= ${limitMs} ms at ${found.rate ?? '?'}/s`,
      measured: `${value} ms (${found.errors} errors)`,
      met: value <= limitMs && found.errors === 0,
    });
  };
  ratioCheck('patient-read', 0.35, 'Patient read throughput');
  latencyCheck('patient-read', 'p99', 15, 'Patient read');
  ratioCheck('patient-read-cached', 0.5, 'Cached patient read throughput');
  const last = curve[curve.length - 1];
  if (last) {
    const slowest = Math.max(...Object.values(last.databaseMs));
    checks.push({
      target: `Search database time <= 25 ms for every shape at ${last.patients.toLocaleString('en-US')} patients`,
      measured: Object.entries(last.databaseMs)
        .map(([shape, ms]) => `${shape} ${ms}`)
        .join(', '),
      met: slowest <= 25,
    });
  }
  for (const name of ['search-common', 'search-rare', 'search-3-characters', 'search-mrn', 'search-phone']) {
    latencyCheck(name, 'p99', 40, `API ${name}`);
  }
  ratioCheck('registration', 0.4, 'Registration throughput');
  latencyCheck('registration', 'p99', 50, 'Registration');
  ratioCheck('sign-in', 0.85, 'Sign-in throughput');
  const idle = find('read-idle');
  const busy = find('read-during-sign-ins');
  if (idle?.latency && busy?.latency) {
    checks.push({
      target: 'Patient read p99 during sign-ins <= 2x idle p99',
      measured: `${busy.latency.p99} ms vs ${idle.latency.p99} ms`,
      met: busy.latency.p99 <= 2 * idle.latency.p99,
    });
  }
  const report = find('report-csv');
  if (report?.peakRssMb !== undefined) {
    checks.push({
      target: 'Row-level CSV report peak RSS <= 200 MB',
      measured: `${report.peakRssMb} MB`,
      met: report.peakRssMb <= 200 && report.errors === 0,
    });
  }
  const mixed = find('mixed');
  if (mixed?.latency) {
    latencyCheck('mixed', 'p95', 50, 'Mixed workload');
    checks.push({
      target: 'Instance RSS under the mixed load <= 300 MB',
      measured: `${mixed.peakRssMb ?? '?'} MB`,
      met: (mixed.peakRssMb ?? Infinity) <= 300,
    });
  }
  return checks;
}
