import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/processes.js';

const DEPLOY = path.join(ROOT, 'deploy');

function run(command: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error)
    throw new Error(`${command} is not installed (run scripts/setup.sh): ${result.error.message}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('deployment files', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'medisys-deploy-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('haproxy.cfg is valid, checks readiness on the management port and retries connection failures', () => {
    const config = path.join(DEPLOY, 'haproxy', 'haproxy.cfg');
    const result = run('haproxy', ['-c', '-f', config]);
    expect(result.output).toContain('Configuration file is valid');
    const text = readFileSync(config, 'utf8');
    expect(text).toMatch(/uri \/actuator\/health\/readiness/);
    expect(text).toMatch(/check port 8081/);
    expect(text).toMatch(/retry-on conn-failure/);
    expect(text).toMatch(/option redispatch/);
    expect(text).toMatch(/timeout http-request \d+s/);
    expect(text).toMatch(/option forwardfor/);
    // Writes are sent again after reaching an instance only when they carry an Idempotency-Key.
    expect(text).toMatch(/http-request disable-l7-retry unless safe_to_repeat \|\| has_idempotency_key/);
    // A draining instance keeps its in-flight requests.
    expect(text).not.toMatch(/shutdown-sessions/);
    expect(text).toMatch(/http-error status 503 .*hdr Retry-After \d+/);
    expect(text).toMatch(/bind 10\.0\.3\.\d+:8404/);
  });

  it('haproxy-tls.cfg is valid with a certificate in place, and redirects plain HTTP', () => {
    const pem = path.join(scratch, 'medisys.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=medisys.test',
        '-keyout',
        pem,
        '-out',
        `${pem}.crt`,
      ],
      { stdio: 'ignore' },
    );
    writeFileSync(pem, readFileSync(`${pem}.crt`, 'utf8') + readFileSync(pem, 'utf8'));
    const config = readFileSync(path.join(DEPLOY, 'haproxy', 'haproxy-tls.cfg'), 'utf8').replaceAll(
      '/etc/haproxy/certs/medisys.pem',
      pem,
    );
    const file = path.join(scratch, 'haproxy-tls.cfg');
    writeFileSync(file, config);
    expect(run('haproxy', ['-c', '-f', file]).output).toContain('Configuration file is valid');
    expect(config).toMatch(/redirect scheme https/);
    expect(config).toMatch(/Strict-Transport-Security/);
  });

  it('the systemd unit verifies and is hardened', () => {
    const unit = path.join(scratch, 'medisys-app@1.service');
    writeFileSync(unit, readFileSync(path.join(DEPLOY, 'systemd', 'medisys-app@.service'), 'utf8'));
    const result = run('systemd-analyze', ['verify', unit]);
    expect(result.output.trim()).toBe('');
    expect(result.status).toBe(0);
    const text = readFileSync(unit, 'utf8');
    for (const setting of [
      'User=medisys',
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'ReadWritePaths=',
      'KillSignal=SIGTERM',
    ]) {
      expect(text).toContain(setting);
    }
  });

  it('the logrotate file parses and rotates the three logs', () => {
    const file = path.join(scratch, 'medisys.logrotate');
    writeFileSync(
      file,
      readFileSync(path.join(DEPLOY, 'logrotate', 'medisys'), 'utf8').replaceAll(
        'medisys medisys',
        'root root',
      ),
    );
    const result = run('logrotate', ['-d', file]);
    expect(result.output).not.toMatch(/^error:/m);
    for (const log of ['application.log', 'security.log', 'audit.log']) expect(result.output).toContain(log);
  });
});
