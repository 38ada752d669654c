import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, ROOT, startChild, waitFor, type MediSysInstance } from './processes.js';

/**
 * deploy/haproxy/haproxy.cfg as shipped, with its frontend and stats bound to free local ports and its
 * servers pointed at the bench instances (the same rewrite as the failover test).
 */
export async function startHaproxy(
  instances: readonly MediSysInstance[],
  workDir: string,
): Promise<{ url: string; stop(): Promise<void> }> {
  const [front, stats] = [await freePort(), await freePort()];
  let config = readFileSync(path.join(ROOT, 'deploy', 'haproxy', 'haproxy.cfg'), 'utf8')
    .replace(/^\s*(log \/dev\/log.*|user haproxy|group haproxy|daemon)$/gm, '')
    .replace(/bind :80\b/, `bind 127.0.0.1:${front}`)
    .replace(/bind \S+:8404/, `bind 127.0.0.1:${stats}`);
  for (let index = instances.length; index < 4; index += 1) {
    config = config.replace(new RegExp(`^\\s*server app${index + 1} .*$`, 'm'), '');
  }
  instances.forEach((instance, index) => {
    const api = new URL(instance.url).port;
    const management = new URL(instance.managementUrl).port;
    config = config.replace(
      new RegExp(`server app${index + 1} \\S+ (.*?)check port \\d+`),
      `server app${index + 1} 127.0.0.1:${api} $1check port ${management}`,
    );
  });
  const file = path.join(workDir, 'haproxy.cfg');
  writeFileSync(file, config);
  const child = startChild('haproxy', ['-db', '-f', file]);
  const url = `http://127.0.0.1:${front}`;
  try {
    await waitFor(`${url}/api/health`, 15_000);
  } catch (error) {
    await child.stop('SIGKILL');
    throw new Error(`${(error as Error).message}\n${child.output()}`);
  }
  return { url, stop: () => child.stop('SIGKILL') };
}
