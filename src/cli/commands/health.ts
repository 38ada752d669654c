import type { AppConfig } from '../../config/load.js';
import { EXIT_FAILURE, EXIT_OK, type Output } from '../io.js';

/** Asks a running MediSys for /actuator/health; exit 0 when UP. */
export async function healthCommand(
  config: AppConfig,
  env: Readonly<Record<string, string | undefined>>,
  output: Output,
): Promise<number> {
  const host = config.management.address === '0.0.0.0' ? '127.0.0.1' : config.management.address;
  const base =
    env['MEDISYS_MANAGEMENT_URL'] ??
    `http://${host.includes(':') ? `[${host}]` : host}:${config.management.port}`;
  try {
    const response = await fetch(`${base}/actuator/health`, { signal: AbortSignal.timeout(5000) });
    const report = (await response.json()) as {
      status: string;
      components?: Record<string, { status: string }>;
    };
    output.out(`MediSys at ${base}: ${report.status}`);
    for (const [name, component] of Object.entries(report.components ?? {}))
      output.out(`  ${name}: ${component.status}`);
    return report.status === 'UP' ? EXIT_OK : EXIT_FAILURE;
  } catch (error) {
    output.err(
      `MediSys at ${base} did not answer (${(error as Error).message}). Is it running? Check logs/application.log.`,
    );
    return EXIT_FAILURE;
  }
}
