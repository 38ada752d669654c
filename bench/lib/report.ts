import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BaselineResult } from './baselines.js';
import type { LatencySummary } from './stats.js';

export interface ScenarioResult {
  readonly name: string;
  readonly description: string;
  /** Successful requests (or rows, for the report) per second in the throughput run. */
  readonly throughput?: number;
  readonly latency?: LatencySummary;
  /** The fixed request rate the latency was measured at, if any. */
  readonly rate?: number;
  readonly errors: number;
  readonly peakRssMb?: number;
  readonly baseline?: string;
  /** throughput / baseline throughput. */
  readonly ratio?: number;
  readonly notes?: string;
}

export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

export interface SearchCurvePoint {
  readonly patients: number;
  /** Database time (planning + execution of every statement of the search) per query shape, ms. */
  readonly databaseMs: Record<string, number>;
}

export interface BenchReport {
  readonly startedAt: string;
  readonly commit: string;
  readonly quick: boolean;
  readonly machine: { cpus: string; cores: number; memoryGb: number; node: string; postgres: string };
  readonly dataset: Record<string, number>;
  readonly baselines: readonly BaselineResult[];
  readonly scenarios: readonly ScenarioResult[];
  readonly searchCurve: readonly SearchCurvePoint[];
  readonly targets: readonly TargetCheck[];
}

export function machine(postgres: string): BenchReport['machine'] {
  const cpus = os.cpus();
  return {
    cpus: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    postgres,
  };
}

const formatNumber = (value: number | undefined, digits = 1): string =>
  value === undefined || Number.isNaN(value)
    ? '–'
    : value.toLocaleString('en-US', { maximumFractionDigits: digits });

export function markdown(report: BenchReport): string {
  const lines: string[] = [];
  lines.push(`## Bench run ${report.startedAt} (${report.commit})${report.quick ? ' — quick' : ''}`, '');
  const m = report.machine;
  lines.push(
    `Machine: ${m.cores} × ${m.cpus}, ${m.memoryGb} GiB, Node ${m.node}, ${m.postgres}.`,
    `Dataset: ${Object.entries(report.dataset)
      .map(([key, value]) => `${formatNumber(value, 0)} ${key}`)
      .join(', ')}.`,
    '',
    '| Baseline | What | Throughput (/s) |',
    '|---|---|---:|',
  );
  for (const baseline of report.baselines) {
    lines.push(`| ${baseline.name} | ${baseline.description} | ${formatNumber(baseline.throughput)} |`);
  }
  lines.push(
    '',
    '| Scenario | Throughput (/s) | Ratio to baseline | Rate (req/s) | p50 ms | p95 ms | p99 ms | Errors | Peak RSS MB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const scenario of report.scenarios) {
    const ratio =
      scenario.ratio === undefined
        ? '–'
        : `${formatNumber(scenario.ratio * 100, 0)}% of ${scenario.baseline}`;
    lines.push(
      `| ${scenario.name} | ${formatNumber(scenario.throughput)} | ${ratio} | ${formatNumber(scenario.rate, 0)} | ` +
        `${formatNumber(scenario.latency?.p50, 2)} | ${formatNumber(scenario.latency?.p95, 2)} | ` +
        `${formatNumber(scenario.latency?.p99, 2)} | ${scenario.errors} | ${formatNumber(scenario.peakRssMb)} |`,
    );
  }
  if (report.searchCurve.length > 0) {
    const shapes = Object.keys(report.searchCurve[0]!.databaseMs);
    lines.push('', `| Patients | ${shapes.map((shape) => `${shape} (DB ms)`).join(' | ')} |`);
    lines.push(`|---:|${shapes.map(() => '---:').join('|')}|`);
    for (const point of report.searchCurve) {
      lines.push(
        `| ${formatNumber(point.patients, 0)} | ${shapes.map((shape) => formatNumber(point.databaseMs[shape], 2)).join(' | ')} |`,
      );
    }
  }
  lines.push('', '| Target | Measured | Met |', '|---|---|---|');
  for (const check of report.targets) {
    lines.push(`| ${check.target} | ${check.measured} | ${check.met ? 'yes' : '**no**'} |`);
  }
  const notes = report.scenarios.filter((scenario) => scenario.notes);
  if (notes.length > 0) {
    lines.push('');
    for (const scenario of notes) lines.push(`- ${scenario.name}: ${scenario.notes}`);
  }
  return `${lines.join('\n')}\n`;
}

export function writeReport(report: BenchReport, directory: string): { json: string; markdown: string } {
  mkdirSync(directory, { recursive: true });
  const stem = `${report.startedAt.slice(0, 10)}-${report.commit}${report.quick ? '-quick' : ''}`;
  const json = path.join(directory, `${stem}.json`);
  const md = path.join(directory, `${stem}.md`);
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(md, markdown(report));
  return { json, markdown: md };
}
