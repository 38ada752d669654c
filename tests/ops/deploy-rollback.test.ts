import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchPostgresDatabase, POSTGRES_AVAILABLE } from '../support/databases.js';
import { eventually, http, ROOT, runMediSys } from '../support/processes.js';
import { freePort } from '../support/scratch-cluster.js';

interface Finished {
  status: number | null;
  output: string;
}

/** Runs a command to completion without blocking the test worker (bounded: killed after `timeoutMs`). */
function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 280_000,
): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
  });
}

/** This environment without the test runner's own MediSys settings. */
function baseEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('MEDISYS_') && name !== 'DATABASE_URL' && name !== 'REDIS_URL') env[name] = value;
  }
  return env;
}

/**
 * scripts/deploy.sh and scripts/rollback.sh against two real instances on PostgreSQL behind real
 * HAProxy. The restart command is tests/support/restart-instance.sh, a small process manager that
 * restarts instance N from the `current` link and records its PID. A client polls through HAProxy
 * during every deployment and rollback and must see no failed request.
 */
describe.runIf(POSTGRES_AVAILABLE)('deploy.sh and rollback.sh: rolling deployments behind HAProxy', () => {
  let workDir: string;
  let home: string;
  let state: string;
  let packages: string;
  let database: Awaited<ReturnType<typeof createScratchPostgresDatabase>>;
  let haproxy: ChildProcess | undefined;
  let frontUrl: string;
  let token: string;
  let v1Release: string;
  let v2Release: string;
  const managementUrls: string[] = [];
  const smokePassword = 'ward rounds at seven 42';

  const scriptEnvironment = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    ...baseEnvironment(),
    MEDISYS_HOME: home,
    MEDISYS_CONFIG: path.join(home, 'config', 'production.properties'),
    MEDISYS_INSTANCES: managementUrls.map((url, index) => `${index + 1}=${url}`).join(' '),
    MEDISYS_RESTART_COMMAND: `bash ${path.join(ROOT, 'tests', 'support', 'restart-instance.sh')} {instance}`,
    MEDISYS_READY_TIMEOUT: '120',
    MEDISYS_SETTLE_SECONDS: '3',
    MEDISYS_URL: frontUrl,
    MEDISYS_SMOKE_USERNAME: 'smoke',
    MEDISYS_SMOKE_PASSWORD_FILE: path.join(workDir, 'smoke-password'),
    MEDISYS_TEST_HOME: home,
    MEDISYS_TEST_STATE_DIR: state,
    ...extra,
  });
  const deploy = (file: string, extra: Record<string, string> = {}): Promise<Finished> =>
    run('bash', [path.join(ROOT, 'scripts', 'deploy.sh'), file], scriptEnvironment(extra));
  const rollback = (): Promise<Finished> =>
    run('bash', [path.join(ROOT, 'scripts', 'rollback.sh')], scriptEnvironment());

  /** What the instances printed, for failure messages. */
  function instanceLogs(): string {
    return ['1', '2']
      .map((instance) => {
        const file = path.join(state, `instance-${instance}.log`);
        return `instance ${instance}:\n${existsSync(file) ? readFileSync(file, 'utf8').slice(-2000) : '(no log)'}`;
      })
      .join('\n');
  }

  /** The version and PID each instance reports on /actuator/info. */
  async function running(): Promise<{ version: string; pid: number }[]> {
    return Promise.all(
      managementUrls.map(async (url) => {
        const info = await http(`${url}/actuator/info`);
        return { version: info.body.build.version as string, pid: info.body.runtime.pid as number };
      }),
    );
  }

  /** Polls a read through HAProxy until `during` settles; returns what did not answer 200. */
  async function pollWhile<T>(
    during: Promise<T>,
  ): Promise<{ result: T; failures: string[]; requests: number }> {
    let finished = false;
    void during.finally(() => (finished = true));
    const failures: string[] = [];
    let requests = 0;
    const worker = async (): Promise<void> => {
      while (!finished) {
        requests++;
        try {
          const response = await http(`${frontUrl}/api/v1/patients?q=smith&limit=5`, { token });
          if (response.status !== 200) failures.push(`${response.status} ${JSON.stringify(response.body)}`);
        } catch (error) {
          failures.push((error as Error).message);
        }
        // Bounded rate: well under the per-user API throttle over a whole deployment.
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    await Promise.all([worker(), worker()]);
    return { result: await during, failures, requests };
  }

  /** A package made from an unpacked release tree (tar + sha256 as `release pack` writes them). */
  async function packTree(tree: string, version: string): Promise<string> {
    const file = path.join(packages, `medisys-v${version}.tar.gz`);
    const members = [
      'package.json',
      'build-info.json',
      ...readdirSync(tree).filter((name) => !/^(package|build-info)\.json$/.test(name)),
    ];
    const packed = await run('tar', ['-czf', file, '-C', tree, ...members], process.env);
    expect(packed.status, packed.output).toBe(0);
    const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
    writeFileSync(`${file}.sha256`, `${sha256}  ${path.basename(file)}\n`);
    return file;
  }

  async function startHaproxy(apiPorts: number[], managementPorts: number[]): Promise<void> {
    const front = await freePort();
    const stats = await freePort();
    let config = readFileSync(path.join(ROOT, 'deploy', 'haproxy', 'haproxy.cfg'), 'utf8')
      .replace(/^\s*(log \/dev\/log.*|user haproxy|group haproxy|daemon)$/gm, '')
      .replace('bind :80', `bind 127.0.0.1:${front}`)
      .replace('bind 10.0.3.10:8404', `bind 127.0.0.1:${stats}`)
      // Faster checks than production's (inter 2s) keep the test short; the settle pause matches them.
      .replace(/default-server inter 2s/, 'default-server inter 500ms')
      .replace(/^\s*server app[34].*$/gm, '');
    apiPorts.forEach((port, index) => {
      config = config.replace(
        new RegExp(`server app${index + 1} \\S+ check port 8081`),
        `server app${index + 1} 127.0.0.1:${port} check port ${managementPorts[index]}`,
      );
    });
    // The settle pause (MEDISYS_SETTLE_SECONDS) and drain delay below are sized for these checks.
    expect(config).toContain('default-server inter 500ms fall 2 rise 2');
    expect(config).toContain(`server app2 127.0.0.1:${apiPorts[1]} check port ${managementPorts[1]}`);
    const file = path.join(workDir, 'haproxy.cfg');
    writeFileSync(file, config);
    haproxy = spawn('haproxy', ['-db', '-f', file], { stdio: 'ignore' });
    frontUrl = `http://127.0.0.1:${front}`;
  }

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'medisys-deploy-'));
    home = path.join(workDir, 'opt-medisys');
    state = path.join(workDir, 'process-manager');
    packages = path.join(workDir, 'packages');
    const shared = path.join(workDir, 'shared');
    for (const dir of [path.join(home, 'config'), path.join(home, 'releases'), state, packages, shared]) {
      mkdirSync(dir, { recursive: true });
    }
    database = await createScratchPostgresDatabase();
    writeFileSync(path.join(workDir, 'smoke-password'), `${smokePassword}\n`, { mode: 0o600 });
    writeFileSync(path.join(shared, 'backup-passphrase'), 'deploy test backup passphrase\n', { mode: 0o600 });
    writeFileSync(
      path.join(home, 'config', 'production.properties'),
      [
        `datasource.url=${database.url}`,
        `data.dir=${path.join(shared, 'data')}`,
        `logging.dir=${path.join(shared, 'logs')}`,
        'logging.console=false',
        `backup.dir=${path.join(shared, 'backups')}`,
        `backup.passphrase-file=${path.join(shared, 'backup-passphrase')}`,
        'security.bootstrap.admin-password=night shift keys 77 blue',
        // Longer than HAProxy needs to see readiness DOWN (inter 500ms x fall 2).
        'server.shutdown-drain-delay=3s',
        'server.trust-proxy=127.0.0.1',
        '',
      ].join('\n'),
    );

    const ports = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    const apiPorts = [ports[0], ports[2]];
    const managementPorts = [ports[1], ports[3]];
    apiPorts.forEach((apiPort, index) => {
      writeFileSync(
        path.join(state, `instance-${index + 1}.env`),
        `MEDISYS_SERVER_PORT=${apiPort}\nMEDISYS_MANAGEMENT_PORT=${managementPorts[index]}\n`,
      );
      managementUrls.push(`http://127.0.0.1:${managementPorts[index]}`);
    });
    await startHaproxy(apiPorts, managementPorts);

    // v1 and v2 by `medisys release pack` (v2 differs only by its version).
    // Once more if another build rewrote dist/ while packing (the checkout is shared while developing).
    const pack = async (version: string): Promise<Awaited<ReturnType<typeof runMediSys>>> => {
      const args = ['release', 'pack', '--out', packages, '--version', version, '--force'];
      const first = await runMediSys(args, { cwd: workDir });
      return first.stderr.includes('changed while they were packed')
        ? runMediSys(args, { cwd: workDir })
        : first;
    };
    const [v1Pack, v2Pack] = await Promise.all(['1.0.0', '2.0.0'].map(pack));
    expect(v1Pack!.status, v1Pack!.stderr).toBe(0);
    expect(v2Pack!.status, v2Pack!.stderr).toBe(0);

    // v1 is installed as the running release: unpacked, migrated, `current`, both instances started.
    v1Release = path.join(home, 'releases', '20000101_000000');
    mkdirSync(v1Release);
    const unpacked = await run(
      'tar',
      ['-xzf', path.join(packages, 'medisys-v1.0.0.tar.gz'), '-C', v1Release],
      process.env,
    );
    expect(unpacked.status, unpacked.output).toBe(0);
    symlinkSync(v1Release, path.join(home, 'current'));
    const config = { MEDISYS_CONFIG: path.join(home, 'config', 'production.properties') };
    const migrated = await runMediSys(['migrate'], { cwd: workDir, env: config });
    expect(migrated.status, migrated.stderr).toBe(0);
    const env = scriptEnvironment();
    const restart = path.join(ROOT, 'tests', 'support', 'restart-instance.sh');
    for (const instance of ['1', '2']) {
      expect((await run('bash', [restart, instance], env)).status).toBe(0);
    }
    for (const url of managementUrls) {
      const ready = await eventually(
        async () => (await http(`${url}/actuator/health/readiness`)).status === 200,
        150_000,
      );
      expect(ready, instanceLogs()).toBe(true);
    }
    expect(await eventually(async () => (await http(`${frontUrl}/api/health`)).status === 200, 15_000)).toBe(
      true,
    );
    // The smoke test's staff account and a hospital with doctors to book with, once an instance has
    // started on the empty database and created the admin (who must exist for the demo data).
    const user = await runMediSys(
      [
        'users',
        'create',
        'smoke',
        '--role',
        'staff',
        '--password-file',
        path.join(workDir, 'smoke-password'),
      ],
      { cwd: workDir, env: config },
    );
    expect(user.status, user.stderr).toBe(0);
    const seeded = await runMediSys(['seed', 'demo'], { cwd: workDir, env: config });
    expect(seeded.status, seeded.stderr).toBe(0);
    const login = await http(`${frontUrl}/api/v1/auth/login`, {
      body: { username: 'smoke', password: smokePassword },
    });
    expect(login.status).toBe(200);
    token = login.body.token;

    // v3 is broken on purpose: its server exits at once, so it never becomes ready.
    const v3Tree = path.join(workDir, 'v3');
    cpSync(v1Release, v3Tree, { recursive: true, verbatimSymlinks: true });
    for (const name of ['package.json', 'build-info.json']) {
      const file = path.join(v3Tree, name);
      writeFileSync(file, readFileSync(file, 'utf8').replace('"version": "1.0.0"', '"version": "3.0.0"'));
    }
    const bin = path.join(v3Tree, 'bin', 'medisys.js');
    const [shebang, ...rest] = readFileSync(bin, 'utf8').split('\n');
    writeFileSync(
      bin,
      [
        shebang,
        "if (process.argv[2] === 'serve') { console.error('deliberately broken release'); process.exit(1); }",
        ...rest,
      ].join('\n'),
    );
    chmodSync(bin, 0o755);
    await packTree(v3Tree, '3.0.0');
    rmSync(v3Tree, { recursive: true, force: true });
  }, 420_000);

  afterAll(async () => {
    haproxy?.kill('SIGKILL');
    const pidFile = path.join(state ?? '', 'all.pids');
    if (state && existsSync(pidFile)) {
      for (const pid of readFileSync(pidFile, 'utf8').split('\n').filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    await database?.drop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('refuses a package whose checksum does not match, changing nothing', async () => {
    const damaged = path.join(workDir, 'damaged', 'medisys-v2.0.0.tar.gz');
    mkdirSync(path.dirname(damaged));
    const bytes = readFileSync(path.join(packages, 'medisys-v2.0.0.tar.gz'));
    bytes[1000]! ^= 0xff;
    writeFileSync(damaged, bytes);
    writeFileSync(`${damaged}.sha256`, readFileSync(path.join(packages, 'medisys-v2.0.0.tar.gz.sha256')));
    const result = await deploy(damaged);
    expect(result.output).toContain('FAILED');
    expect(result.output).toContain('DEPLOY FAILED: the checksum of');
    expect(result.output).toContain('Nothing was switched: the instances still run 1.0.0.');
    expect(result.status, result.output).toBe(1);
    expect(readlinkSync(path.join(home, 'current'))).toBe(v1Release);
    expect(readdirSync(path.join(home, 'releases')).sort()).toEqual(['.deploy.lock', '20000101_000000']);
  }, 60_000);

  it('deploys v2 over a running v1 one instance at a time without a failed request', async () => {
    const before = await running();
    expect(before.map((instance) => instance.version)).toEqual(['1.0.0', '1.0.0']);
    const { result, failures, requests } = await pollWhile(
      deploy(path.join(packages, 'medisys-v2.0.0.tar.gz')),
    );
    expect(result.output).not.toContain('FAILED');
    expect(result.status, result.output).toBe(0);
    expect(result.output).toMatch(/medisys-v2\.0\.0\.tar\.gz: OK/);
    expect(result.output).toContain('Release package is good.');
    expect(result.output).toMatch(/Backup written: .*medisys_\d{8}_\d{6}\.dump\.gpg/);
    expect(result.output).toMatch(/Schema is up to date \(version \d+\)\./);
    expect(result.output).toMatch(
      /instance 1 ready, version 2\.0\.0[\s\S]*instance 2 ready, version 2\.0\.0/,
    );
    expect(result.output).toContain('All MediSys instances and components are UP.');
    expect(result.output).toMatch(/PASS {2}cancel the appointment/);
    expect(result.output).toContain('Deployed 2.0.0 (1.0.0 before).');
    expect(requests).toBeGreaterThan(20);
    expect(failures).toEqual([]);

    const after = await running();
    expect(after.map((instance) => instance.version)).toEqual(['2.0.0', '2.0.0']);
    expect(after[0]!.pid).not.toBe(before[0]!.pid);
    expect(after[1]!.pid).not.toBe(before[1]!.pid);
    v2Release = readlinkSync(path.join(home, 'current'));
    expect(path.basename(v2Release)).toMatch(/^\d{8}_\d{6}(_\d+)?$/);
    expect(JSON.parse(readFileSync(path.join(v2Release, 'package.json'), 'utf8')).version).toBe('2.0.0');
    expect(readlinkSync(path.join(home, 'releases', 'previous'))).toBe(v1Release);
    const backups = readdirSync(path.join(workDir, 'shared', 'backups')).filter((name) =>
      name.endsWith('.dump.gpg'),
    );
    expect(backups.length).toBe(1);
  }, 300_000);

  it('rolls a broken v3 back by itself while v2 keeps serving', async () => {
    const before = await running();
    const { result, failures, requests } = await pollWhile(
      deploy(path.join(packages, 'medisys-v3.0.0.tar.gz'), {
        MEDISYS_DEPLOY_BACKUP: 'never',
        MEDISYS_READY_TIMEOUT: '45',
      }),
    );
    expect(result.output).toMatch(/instance 1 is not ready with version 3\.0\.0 after 45 s/);
    expect(result.output).toContain('DEPLOY FAILED: an instance did not come up on 3.0.0.');
    expect(result.output).toContain('ROLLING BACK to 2.0.0');
    expect(result.output).toMatch(/Rolled back: 2\.0\.0 is serving again\. The failed release stays in /);
    expect(result.status, result.output).toBe(1);
    expect(requests).toBeGreaterThan(20);
    expect(failures).toEqual([]);

    expect(readlinkSync(path.join(home, 'current'))).toBe(v2Release);
    expect(readlinkSync(path.join(home, 'releases', 'previous'))).toBe(v1Release);
    const after = await running();
    expect(after.map((instance) => instance.version)).toEqual(['2.0.0', '2.0.0']);
    // Instance 2 was never touched; instance 1 was restarted onto v2 again.
    expect(after[1]!.pid).toBe(before[1]!.pid);
    expect(after[0]!.pid).not.toBe(before[0]!.pid);
  }, 300_000);

  it('rollback.sh returns to the previous release (v1) without a failed request', async () => {
    const { result, failures, requests } = await pollWhile(rollback());
    expect(result.output).toContain('Rolling back from 2.0.0');
    expect(result.output).toContain('Rolled back to 1.0.0. scripts/rollback.sh again returns to 2.0.0.');
    expect(result.status, result.output).toBe(0);
    expect(requests).toBeGreaterThan(20);
    expect(failures).toEqual([]);
    expect((await running()).map((instance) => instance.version)).toEqual(['1.0.0', '1.0.0']);
    expect(readlinkSync(path.join(home, 'current'))).toBe(v1Release);
    expect(readlinkSync(path.join(home, 'releases', 'previous'))).toBe(v2Release);
  }, 300_000);
});

/** What deploy.sh and rollback.sh refuse before changing anything (exit 2). */
describe('deploy.sh and rollback.sh preconditions', () => {
  let workDir: string;
  let home: string;
  let file: string;

  beforeAll(() => {
    workDir = mkdtempSync(path.join(tmpdir(), 'medisys-deploy-usage-'));
    home = path.join(workDir, 'opt-medisys');
    mkdirSync(path.join(home, 'releases'), { recursive: true });
    file = path.join(workDir, 'medisys-v1.2.3.tar.gz');
    writeFileSync(file, 'not really a package');
  });
  afterAll(() => {
    rmSync(workDir, { recursive: true, force: true });
  });

  const script = (name: string, args: string[], extra: Record<string, string> = {}): Promise<Finished> =>
    run('bash', [path.join(ROOT, 'scripts', name), ...args], {
      ...baseEnvironment(),
      MEDISYS_HOME: home,
      MEDISYS_SMOKE_USERNAME: 'smoke',
      MEDISYS_SMOKE_PASSWORD: 'not used',
      ...extra,
    });

  it('deploy.sh wants one package with its checksum beside it', async () => {
    const none = await script('deploy.sh', []);
    expect(none.status).toBe(2);
    expect(none.output).toContain('Usage:');
    const noChecksum = await script('deploy.sh', [file]);
    expect(noChecksum.status).toBe(2);
    expect(noChecksum.output).toContain('.sha256 is missing');
  });

  it('deploy.sh wants the smoke test account up front, and well-formed instances', async () => {
    writeFileSync(`${file}.sha256`, `${'0'.repeat(64)}  medisys-v1.2.3.tar.gz\n`);
    const noSmoke = await script('deploy.sh', [file], { MEDISYS_SMOKE_USERNAME: '' });
    expect(noSmoke.status).toBe(2);
    expect(noSmoke.output).toContain('Set MEDISYS_SMOKE_USERNAME and MEDISYS_SMOKE_PASSWORD_FILE');
    const badInstances = await script('deploy.sh', [file], { MEDISYS_INSTANCES: '1=localhost:8081' });
    expect(badInstances.status).toBe(2);
    expect(badInstances.output).toContain('"1=localhost:8081" is not NAME=MANAGEMENT_URL');
  });

  it('deploy.sh refuses a current that is a folder (the manual’s copy-in-place layout), changing nothing', async () => {
    mkdirSync(path.join(home, 'current'));
    const result = await script('deploy.sh', [file]);
    expect(result.status).toBe(2);
    expect(result.output).toContain('is a folder, not a link');
    expect(readdirSync(path.join(home, 'releases'))).toEqual(['.deploy.lock']);
    rmSync(path.join(home, 'current'), { recursive: true });
  });

  it('rollback.sh refuses when there is nothing to roll back to', async () => {
    const nothingDeployed = await script('rollback.sh', []);
    expect(nothingDeployed.status).toBe(2);
    expect(nothingDeployed.output).toContain('is not a link to a release: nothing is deployed');
    const release = path.join(home, 'releases', '20260101_000000');
    mkdirSync(release);
    symlinkSync(release, path.join(home, 'current'));
    const noPrevious = await script('rollback.sh', []);
    expect(noPrevious.status).toBe(2);
    expect(noPrevious.output).toContain('there is nothing to roll back to');
    expect(readlinkSync(path.join(home, 'current'))).toBe(release);
  });
});
