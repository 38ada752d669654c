import type { Metrics } from './metrics.js';

export interface ActuatorMeasurement {
  readonly statistic: 'VALUE' | 'COUNT' | 'TOTAL_TIME' | 'MAX' | 'TOTAL';
  readonly value: number;
}

export interface ActuatorMetric {
  readonly name: string;
  readonly description: string;
  readonly baseUnit: string | null;
  readonly measurements: ActuatorMeasurement[];
  readonly availableTags: { tag: string; values: string[] }[];
}

type TagFilter = ReadonlyMap<string, string>;

interface MetricSource {
  readonly description: string;
  readonly baseUnit: string | null;
  read(filter: TagFilter): Promise<Omit<ActuatorMetric, 'name' | 'description' | 'baseUnit'>>;
}

async function gaugeValue(metrics: Metrics, prometheusName: string): Promise<number> {
  const metric = metrics.registry.getSingleMetric(prometheusName);
  const data = await metric?.get();
  return data?.values.reduce((sum, entry) => sum + entry.value, 0) ?? 0;
}

function gauge(
  metrics: Metrics,
  prometheusName: string,
  description: string,
  baseUnit: string | null,
): MetricSource {
  return {
    description,
    baseUnit,
    async read() {
      return {
        measurements: [{ statistic: 'VALUE', value: await gaugeValue(metrics, prometheusName) }],
        availableTags: [],
      };
    },
  };
}

/** Maps Actuator tag names to our Prometheus label names. */
const HTTP_TAGS: Record<string, string> = { method: 'method', uri: 'route', status: 'status' };

function httpServerRequests(metrics: Metrics): MetricSource {
  return {
    description: 'HTTP server requests',
    baseUnit: 'seconds',
    async read(filter) {
      const data = await metrics.httpDuration.get();
      const tagValues = new Map<string, Set<string>>(Object.keys(HTTP_TAGS).map((tag) => [tag, new Set()]));
      let count = 0;
      let total = 0;
      let max = 0;
      const matches = (labels: Record<string, string | number | undefined>): boolean =>
        [...filter].every(([tag, value]) => String(labels[HTTP_TAGS[tag] ?? tag]) === value);
      for (const entry of data.values) {
        const labels = entry.labels as Record<string, string | number | undefined>;
        for (const [tag, label] of Object.entries(HTTP_TAGS)) {
          if (labels[label] !== undefined) tagValues.get(tag)!.add(String(labels[label]));
        }
        if (!matches(labels)) continue;
        if (entry.metricName === 'http_request_duration_seconds_count') count += entry.value;
        if (entry.metricName === 'http_request_duration_seconds_sum') total += entry.value;
        if (
          entry.metricName === 'http_request_duration_seconds_bucket' &&
          entry.value > 0 &&
          labels['le'] !== '+Inf'
        ) {
          max = Math.max(max, Number(labels['le']));
        }
      }
      return {
        measurements: [
          { statistic: 'COUNT', value: count },
          { statistic: 'TOTAL_TIME', value: total },
          { statistic: 'MAX', value: max },
        ],
        availableTags: [...tagValues].map(([tag, values]) => ({ tag, values: [...values].sort() })),
      };
    },
  };
}

/**
 * The metrics /actuator/metrics lists, in Spring Boot Actuator's names and JSON shape, read from the
 * same registry that /actuator/prometheus exports, so the two never disagree.
 */
export class ActuatorMetrics {
  private readonly sources: ReadonlyMap<string, MetricSource>;

  constructor(metrics: Metrics) {
    this.sources = new Map<string, MetricSource>([
      [
        'hikaricp.connections.active',
        gauge(metrics, 'hikaricp_connections_active', 'Active connections', null),
      ],
      ['hikaricp.connections.idle', gauge(metrics, 'hikaricp_connections_idle', 'Idle connections', null)],
      [
        'hikaricp.connections.pending',
        gauge(metrics, 'hikaricp_connections_pending', 'Pending threads', null),
      ],
      ['hikaricp.connections.max', gauge(metrics, 'hikaricp_connections_max', 'Max connections', null)],
      [
        'database.connections.failed',
        gauge(
          metrics,
          'database_connections_failed_total',
          'Database connections that could not be opened',
          null,
        ),
      ],
      ['http.server.requests', httpServerRequests(metrics)],
      ['process.cpu.usage', gauge(metrics, 'process_cpu_usage', 'Recent CPU usage of this process', null)],
      ['process.memory.rss', gauge(metrics, 'process_resident_memory_bytes', 'Resident set size', 'bytes')],
      [
        'process.uptime',
        {
          description: 'Uptime',
          baseUnit: 'seconds',
          read: async () => ({
            measurements: [{ statistic: 'VALUE', value: metrics.uptimeSeconds() }],
            availableTags: [],
          }),
        },
      ],
      ['nodejs.heap.size.used', gauge(metrics, 'nodejs_heap_size_used_bytes', 'Heap in use', 'bytes')],
      ['nodejs.eventloop.lag', gauge(metrics, 'nodejs_eventloop_lag_seconds', 'Event loop lag', 'seconds')],
      ['medisys.logins', gauge(metrics, 'medisys_logins_total', 'Sign-in attempts', null)],
      ['medisys.cache.requests', gauge(metrics, 'medisys_cache_requests_total', 'Cache look-ups', null)],
      [
        'medisys.cache.errors',
        gauge(metrics, 'medisys_cache_errors_total', 'Cache store operations that failed', null),
      ],
    ]);
  }

  names(): string[] {
    return [...this.sources.keys()].sort();
  }

  /** `tags` are Actuator's `?tag=name:value` filters. Returns undefined for an unknown name. */
  async read(name: string, tags: readonly string[] = []): Promise<ActuatorMetric | undefined> {
    const source = this.sources.get(name);
    if (!source) return undefined;
    const filter = new Map(
      tags.map((tag) => {
        const separator = tag.indexOf(':');
        return [tag.slice(0, separator), tag.slice(separator + 1)] as const;
      }),
    );
    const { measurements, availableTags } = await source.read(filter);
    return { name, description: source.description, baseUnit: source.baseUnit, measurements, availableTags };
  }
}
