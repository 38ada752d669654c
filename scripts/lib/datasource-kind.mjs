// For scripts/deploy.sh: prints "postgresql" when the configuration (MEDISYS_CONFIG, MEDISYS_* and
// DATABASE_URL, read exactly as `medisys` reads them) names a PostgreSQL datasource, "embedded" when not.
// Exit 2 with the loader's message when the configuration is invalid. Run with the release's own Node
// tree, so the answer is the one the release about to be deployed would give.
import { ConfigError, loadConfig } from '../../dist/config/load.js';

try {
  const config = loadConfig({ env: process.env, cwd: process.cwd() });
  process.stdout.write(config.datasource.url ? 'postgresql\n' : 'embedded\n');
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
}
