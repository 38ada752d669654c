import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, environmentName } from './keys.js';
import { ConfigError, loadConfig, parseDuration, parseProperties } from './load.js';

const cwd = '/srv/medisys';

function load(env: Record<string, string> = {}, overrides = {}) {
  return loadConfig({ env, cwd, overrides });
}

describe('configuration', () => {
  it('has the contract defaults when nothing is set', () => {
    const config = load();
    expect(config.server).toMatchObject({ port: 8080, address: '127.0.0.1' });
    expect(config.management).toEqual({ port: 8081, address: '127.0.0.1' });
    expect(config.datasource.url).toBe('');
    expect(config.datasource.pool).toEqual({
      maximumPoolSize: 20,
      minimumIdle: 5,
      connectionTimeoutMs: 30_000,
      idleTimeoutMs: 600_000,
      maxLifetimeMs: 1_800_000,
    });
    expect(config.security.lockout).toEqual({ maxAttempts: 5, durationMs: 15 * 60_000 });
    expect(config.security.session).toEqual({
      idleTimeoutMs: 15 * 60_000,
      absoluteTimeoutMs: 12 * 3_600_000,
      cacheTtlMs: 10_000,
    });
    expect(config.dataDir).toBe('/srv/medisys/data');
    expect(config.uploadsDir).toBe('/srv/medisys/data/uploads');
    expect(config.backup.dir).toBe('/srv/medisys/data/backups');
    expect(config.hospital.timezone).toBe('UTC');
    expect(Object.isFrozen(config.server)).toBe(true);
  });

  it('lets MEDISYS_ variables, DATABASE_URL and REDIS_URL override keys', () => {
    const config = load({
      MEDISYS_SERVER_PORT: '9090',
      MEDISYS_DATASOURCE_POOL_MAXIMUM_POOL_SIZE: '7',
      MEDISYS_SECURITY_LOCKOUT_DURATION: '30s',
      DATABASE_URL: 'postgres://u@db/medisys',
      REDIS_URL: 'redis://cache:6379',
    });
    expect(config.server.port).toBe(9090);
    expect(config.datasource.pool.maximumPoolSize).toBe(7);
    expect(config.security.lockout.durationMs).toBe(30_000);
    expect(config.datasource.url).toBe('postgres://u@db/medisys');
    expect(config.redis.url).toBe('redis://cache:6379');
  });

  it('names the key and its source for an unknown key or a bad value', () => {
    expect(() => load({ MEDISYS_SERVER_PROT: '1' })).toThrow(/MEDISYS_SERVER_PROT.*environment/);
    expect(() => load({ MEDISYS_SERVER_PORT: 'eighty' })).toThrow(
      /server\.port \(from environment variable MEDISYS_SERVER_PORT\): "eighty" is not a port/,
    );
    expect(() => load({ MEDISYS_SECURITY_SESSION_IDLE_TIMEOUT: 'soon' })).toThrow(
      /security\.session\.idle-timeout/,
    );
    expect(() => load({ MEDISYS_HOSPITAL_TIMEZONE: 'Mars/Olympus' })).toThrow(/hospital\.timezone/);
    expect(() => load({ MEDISYS_DATASOURCE_URL: 'mysql://x' })).toThrow(ConfigError);
  });

  it('leaves the operator scripts’ own MEDISYS_ variables alone (deploy, rollback, smoke, performance)', () => {
    const scripts = {
      MEDISYS_HOME: '/opt/medisys',
      MEDISYS_INSTANCES: '1=http://localhost:8081',
      MEDISYS_RESTART_COMMAND: 'systemctl restart medisys-app@{instance}',
      MEDISYS_READY_TIMEOUT: '120',
      MEDISYS_DEPLOY_BACKUP: 'auto',
      MEDISYS_SMOKE_USERNAME: 'smoke',
      MEDISYS_PERF_SECONDS: '10',
    };
    expect(load(scripts).server.port).toBe(8080);
    expect(() => load({ ...scripts, MEDISYS_DEPLOY: 'x', MEDISYS_HOMEDIR: '/x' })).toThrow(
      /MEDISYS_DEPLOY\b/,
    );
  });

  it('requires MFA of admins by default, takes a list of roles, and refuses a role that does not exist', () => {
    expect(load().security.mfa).toEqual({
      requiredRoles: ['admin'],
      stepUpWindowMs: 5 * 60_000,
      issuer: 'MediSys',
    });
    expect(load({ MEDISYS_SECURITY_MFA_REQUIRED_ROLES: 'admin, doctor' }).security.mfa.requiredRoles).toEqual(
      ['admin', 'doctor'],
    );
    expect(load({ MEDISYS_SECURITY_MFA_REQUIRED_ROLES: '' }).security.mfa.requiredRoles).toEqual([]);
    expect(() => load({ MEDISYS_SECURITY_MFA_REQUIRED_ROLES: 'admin,nurse' })).toThrow(
      /security\.mfa\.required-roles.*"nurse" is not a role/,
    );
  });

  it('reports the file and line of a bad value in a properties file', () => {
    const values = parseProperties(
      '# comment\n\nserver.port = 8085\nlogging.dir: /var/log/medisys\n',
      'app.properties',
    );
    expect(values.get('server.port')).toEqual({ value: '8085', source: 'app.properties:3' });
    expect(values.get('logging.dir')?.value).toBe('/var/log/medisys');
    expect(() => parseProperties('just words', 'bad.properties')).toThrow(/bad\.properties:1/);
  });

  it('parses durations with units', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('12h')).toBe(43_200_000);
    expect(parseDuration('2500')).toBe(2500);
    expect(parseDuration('1.5h')).toBeUndefined();
  });

  it('documents every key in config/production.properties.example, which itself loads cleanly', () => {
    const file = new URL('../../config/production.properties.example', import.meta.url);
    const documented = parseProperties(readFileSync(file, 'utf8'), 'example');
    expect([...documented.keys()].sort()).toEqual(Object.keys(CONFIG_KEYS).sort());
    const config = loadConfig({ configFile: file.pathname, env: {}, cwd });
    expect(config.logging.dir).toBe('/var/log/medisys');
  });

  it('derives environment variable names as the contract says', () => {
    expect(environmentName('server.port')).toBe('MEDISYS_SERVER_PORT');
    expect(environmentName('security.bootstrap.admin-password')).toBe(
      'MEDISYS_SECURITY_BOOTSTRAP_ADMIN_PASSWORD',
    );
  });
});
