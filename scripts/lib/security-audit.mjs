// scripts/security-audit.sh: probes a running MediSys as an attacker would and writes what it finds.
// Each check prints PASS, FAIL (a finding) or SKIP; the report folder gets report.txt, findings.json
// and headers.txt. Exit 1 on any finding.
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const base = (process.env.MEDISYS_URL ?? 'http://localhost:8080').replace(/\/$/, '');
const management = (process.env.MEDISYS_MANAGEMENT_URL ?? 'http://localhost:8081')
  .split(/[\s,]+/)[0]
  .replace(/\/$/, '');
const username = process.env.MEDISYS_AUDIT_USERNAME;
const password = process.env.MEDISYS_AUDIT_PASSWORD_FILE
  ? readFileSync(process.env.MEDISYS_AUDIT_PASSWORD_FILE, 'utf8').trim()
  : process.env.MEDISYS_AUDIT_PASSWORD;
const totpSecret = process.env.MEDISYS_AUDIT_TOTP_SECRET;
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
const reportDir = path.resolve(process.env.MEDISYS_AUDIT_REPORT_DIR ?? `security-audit-${stamp}`);
if ((username && !password) || (!username && password)) {
  console.error('Set both MEDISYS_AUDIT_USERNAME and MEDISYS_AUDIT_PASSWORD (or _FILE), or neither.');
  process.exit(2);
}
mkdirSync(reportDir, { recursive: true });

const lines = [];
const findings = [];
const headerDump = [];
let skipped = 0;
const out = (line) => {
  lines.push(line);
  console.log(line);
};
const pass = (check) => out(`PASS  ${check}`);
const fail = (category, check, evidence) => {
  findings.push({ category, check, evidence });
  out(`FAIL  [${category}] ${check}${evidence ? ` (${evidence})` : ''}`);
};
const skip = (check, why) => {
  skipped++;
  out(`SKIP  ${check}: ${why}`);
};

/** One HTTP exchange; never throws for an HTTP status. */
async function call(method, url, { token, body, headers = {}, raw } = {}) {
  const started = performance.now();
  const response = await fetch(url.startsWith('http') ? url : `${base}${url}`, {
    method,
    redirect: 'manual',
    headers: {
      ...(body !== undefined && !raw ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json, ms: performance.now() - started };
}

// ---------------------------------------------------------------- verbose errors -------------------
const INTERNALS = [
  [/\bat \S+ \(?\/?[\w./-]+:\d+:\d+\)?/, 'a stack trace'],
  [/node_modules|\/(?:work|opt|home|usr|var)\/\S+\.(?:js|ts|mjs)/, 'a server file path'],
  [
    /\b(?:syntax error at or near|SELECT \S+ FROM|INSERT INTO|relation "\w+" does not exist|duplicate key value)\b/i,
    'SQL text',
  ],
  [
    /\b(?:PGlite|pg-protocol|QueryFailedError|TypeError|ReferenceError|SyntaxError: Unexpected)\b/,
    'an internal error name',
  ],
];
function leaks(text) {
  return INTERNALS.filter(([pattern]) => pattern.test(text)).map(([, what]) => what);
}

async function checkVerboseErrors() {
  const probes = [
    [
      'malformed JSON',
      () =>
        call('POST', '/api/v1/auth/login', {
          raw: '{"username": "x",',
          headers: { 'content-type': 'application/json' },
        }),
    ],
    [
      'wrong JSON types',
      () => call('POST', '/api/v1/auth/login', { body: { username: ['x'], password: { $ne: 1 } } }),
    ],
    [
      'unsupported media type',
      () =>
        call('POST', '/api/v1/auth/login', {
          raw: 'username=x',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
    ],
    ['unknown route', () => call('GET', '/api/v1/no-such-route')],
    [
      'oversized body',
      () => call('POST', '/api/v1/auth/login', { body: { username: 'x'.repeat(3_000_000), password: 'y' } }),
    ],
  ];
  for (const [name, probe] of probes) {
    let response;
    try {
      response = await probe();
    } catch (error) {
      // A server may answer 413 and close before reading the rest of a body over its limit; the client
      // then sees EPIPE or a reset. That is a refusal, not a leak.
      const code = error?.cause?.code;
      if (name === 'oversized body' && (code === 'EPIPE' || code === 'ECONNRESET')) {
        pass(`${name}: refused, connection closed before the body was read`);
        continue;
      }
      throw error;
    }
    const shown = leaks(response.text);
    if (response.status >= 500) fail('verbose-errors', `${name} answered ${response.status}`);
    else if (shown.length > 0) fail('verbose-errors', `${name} reveals ${shown.join(', ')}`);
    else if (!String(response.headers.get('content-type')).includes('application/problem+json'))
      fail(
        'verbose-errors',
        `${name} is not answered as application/problem+json`,
        response.headers.get('content-type'),
      );
    else pass(`${name}: ${response.status} problem+json without internals`);
  }
  for (const header of ['server', 'x-powered-by']) {
    const value = (await call('GET', '/api/health')).headers.get(header);
    if (value && /\d/.test(value)) fail('verbose-errors', `the ${header} header reveals a version`, value);
  }
  // The web UI may answer unknown paths with its page: what matters is that no management data comes back.
  let exposed = 0;
  for (const url of ['/actuator/env', '/actuator/health', '/actuator/prometheus', '/metrics']) {
    const response = await call('GET', url);
    if (response.status < 400 && /# (HELP|TYPE) |"components"|propertySources|hikaricp/.test(response.text)) {
      exposed++;
      fail('verbose-errors', `${url} serves management data on the API port`);
    }
  }
  if (exposed === 0) pass('management endpoints are not on the API port');
}

// ---------------------------------------------------------------- headers -------------------------
async function checkHeaders() {
  const https = base.startsWith('https://');
  for (const url of ['/', '/api/health', '/api/v1/patients', '/api/docs', '/no/such/page']) {
    const response = await call('GET', url);
    headerDump.push(
      `### GET ${url} -> ${response.status}`,
      ...[...response.headers].map(([k, v]) => `${k}: ${v}`),
      '',
    );
    const missing = [];
    const csp = response.headers.get('content-security-policy') ?? '';
    if (!csp) missing.push('Content-Security-Policy');
    else {
      for (const directive of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) {
        if (!csp.includes(directive)) missing.push(`CSP ${directive}`);
      }
      const scriptSrc = /script-src([^;]*)/.exec(csp)?.[1] ?? /default-src([^;]*)/.exec(csp)?.[1] ?? '';
      if (/unsafe-inline|unsafe-eval|\*/.test(scriptSrc))
        missing.push(`a strict script-src (has "${scriptSrc.trim()}")`);
    }
    if (response.headers.get('x-content-type-options') !== 'nosniff')
      missing.push('X-Content-Type-Options: nosniff');
    if (!response.headers.get('referrer-policy')) missing.push('Referrer-Policy');
    if (!/^(deny|sameorigin)$/i.test(response.headers.get('x-frame-options') ?? ''))
      missing.push('X-Frame-Options');
    if (!response.headers.get('permissions-policy')) missing.push('Permissions-Policy');
    if (https && !/max-age=\d{7,}/.test(response.headers.get('strict-transport-security') ?? ''))
      missing.push('Strict-Transport-Security (max-age of a year or more)');
    if (missing.length > 0) fail('headers', `GET ${url} lacks ${missing.join(', ')}`);
    else pass(`GET ${url} carries the security headers`);
  }
  if (!https) out('INFO  plain HTTP: HSTS is checked when MEDISYS_URL is https:// (TLS here or at HAProxy)');
}

// ---------------------------------------------------------------- authentication bypass ------------
async function checkAuthenticationBypass() {
  const protectedRoutes = [
    '/api/v1/patients',
    '/api/v1/users',
    '/api/v1/audit-events',
    '/api/v1/invoices',
    '/api/v1/auth/me',
  ];
  const disguises = [
    (route) => [route, {}],
    (route) => [route, { authorization: 'Bearer invalid' }],
    (route) => [route, { authorization: `Bearer ${randomBytes(32).toString('base64url')}` }],
    (route) => [route, { authorization: 'Basic YWRtaW46YWRtaW4=' }],
    (route) => [route, { cookie: `medisys_session=${randomBytes(32).toString('base64url')}` }],
    (route) => [`${route}/`, {}],
    (route) => [route.replace('/api/v1', '/API/V1'), {}],
    (route) => [route.replace('/api/v1/', '/api/v1//'), {}],
    (route) => [route.replace('/api/v1/', '/api/v1/./'), {}],
    (route) => [route.replace('/api/v1/', '/api/v1/%2e/'), {}],
    (route) => [`${route};jsessionid=1`, {}],
    (route) => [`${route}?token=x&access_token=x`, {}],
    (route) => [
      route,
      {
        'x-original-url': route,
        'x-rewrite-url': route,
        'x-forwarded-for': '127.0.0.1',
        'x-http-method-override': 'GET',
      },
    ],
  ];
  let opened = 0;
  for (const route of protectedRoutes) {
    for (const disguise of disguises) {
      const [url, headers] = disguise(route);
      const response = await call('GET', url, { headers });
      // A path the API does not know may get the web UI's page (HTML, no data): only data is a bypass.
      const data = response.json !== undefined || /json/i.test(response.headers.get('content-type') ?? '');
      if (response.status >= 200 && response.status < 300 && data) {
        opened++;
        fail(
          'authentication-bypass',
          `GET ${url} answered ${response.status} without a valid session`,
          Object.keys(headers).join(',') || 'no credentials',
        );
      } else if (response.status >= 500) {
        fail('verbose-errors', `GET ${url} answered ${response.status}`);
      }
    }
  }
  if (opened === 0)
    pass(
      `${protectedRoutes.length * disguises.length} unauthenticated requests to protected routes were refused`,
    );
  const login = await call('POST', '/api/v1/auth/login', { body: { username: 'admin', password: '' } });
  if (login.status === 200) fail('authentication-bypass', 'an empty password signs in');
  else pass(`sign-in with an empty password refused (${login.status})`);
}

// ---------------------------------------------------------------- SQL injection --------------------
const SQL_PAYLOADS = [
  "' OR '1'='1",
  "' OR 1=1--",
  '" OR ""="',
  "') OR ('a'='a",
  "admin'--",
  '1; DROP TABLE patients--',
  "' UNION SELECT NULL,NULL,NULL--",
  "%' AND 1=1--",
  "\\'; SELECT 1--",
];
const SQL_ERRORS =
  /syntax error|unterminated quoted string|invalid input syntax|pg_|SQLSTATE|column .* does not exist/i;

async function checkSqlInjection(token) {
  for (const payload of SQL_PAYLOADS.slice(0, 4)) {
    const response = await call('POST', '/api/v1/auth/login', {
      body: { username: payload, password: payload },
    });
    if (response.status === 200) fail('sql-injection', 'sign-in accepted an injection', payload);
    else if (response.status >= 500 || SQL_ERRORS.test(response.text))
      fail('sql-injection', `sign-in with an injection answered ${response.status}`, payload);
  }
  pass('sign-in is not bypassed by SQL injection');
  if (!token) return skip('SQL injection behind sign-in', 'no MEDISYS_AUDIT_USERNAME');
  const baseline = await call('GET', `/api/v1/patients?q=${encodeURIComponent('zq-no-such-name-zq')}`, {
    token,
  });
  const baseTotal = baseline.json?.total ?? 0;
  let bad = 0;
  for (const payload of SQL_PAYLOADS) {
    const response = await call(
      'GET',
      `/api/v1/patients?q=${encodeURIComponent(`zq-no-such-name-zq${payload}`)}`,
      { token },
    );
    if (response.status >= 500 || SQL_ERRORS.test(response.text)) {
      bad++;
      fail('sql-injection', `patient search with an injection answered ${response.status}`, payload);
    } else if (response.status === 200 && (response.json?.total ?? 0) > baseTotal) {
      bad++;
      fail(
        'sql-injection',
        'patient search returned more rows for an injected tautology than for plain text',
        payload,
      );
    }
  }
  for (const url of [
    "/api/v1/patients/1'%20OR%20'1'='1",
    '/api/v1/patients?limit=1;DROP%20TABLE%20users',
    '/api/v1/patients?sort=name;SELECT%201',
  ]) {
    const response = await call('GET', url, { token });
    if (response.status >= 500 || SQL_ERRORS.test(response.text)) {
      bad++;
      fail('sql-injection', `GET ${url} answered ${response.status}`);
    }
  }
  const slow = await call('GET', `/api/v1/patients?q=${encodeURIComponent("x'||pg_sleep(4)||'")}`, { token });
  if (slow.ms > 3500) {
    bad++;
    fail('sql-injection', `a pg_sleep payload delayed the answer by ${Math.round(slow.ms)} ms`);
  }
  if (bad === 0) pass('searches, path parameters and sorting treat injections as plain values');
}

// ---------------------------------------------------------------- XSS reflection -------------------
async function checkXssReflection(token) {
  const marker = `<script>alert('xss-${randomBytes(4).toString('hex')}')</script>`;
  const probes = [
    ['GET', `/api/v1/${encodeURIComponent(marker)}`],
    ['GET', `/?q=${encodeURIComponent(marker)}`],
    ['GET', `/no/such/page/${encodeURIComponent(marker)}`],
    ['GET', `/api/docs/?url=${encodeURIComponent(marker)}`],
    ['POST', '/api/v1/auth/login', { username: marker, password: 'x' }],
  ];
  if (token)
    probes.push([
      'GET',
      `/api/v1/patients?q=${encodeURIComponent(marker)}&sort=${encodeURIComponent(marker)}`,
    ]);
  let reflected = 0;
  for (const [method, url, body] of probes) {
    const response = await call(method, url, { body, token });
    const type = response.headers.get('content-type') ?? '';
    // text/html, including a web UI page served for unknown paths, must not carry the script.
    if (response.status >= 500)
      fail('verbose-errors', `${method} ${url.slice(0, 60)} answered ${response.status}`);
    if (
      response.text.includes(marker) &&
      (/html|xml/i.test(type) || response.headers.get('x-content-type-options') !== 'nosniff')
    ) {
      reflected++;
      fail(
        'xss-reflection',
        `${method} ${url.slice(0, 60)} reflects a script unescaped as ${type || 'no content type'}`,
      );
    }
  }
  if (reflected === 0) pass('no probe reflected a script into HTML or an unprotected response');
}

// ---------------------------------------------------------------- IDOR between roles --------------
function totp(secret) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of secret.replace(/[\s=]/g, '').toUpperCase())
    bits += alphabet.indexOf(char).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((byte) => parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000)));
  const digest = createHmac('sha1', key).update(counter).digest();
  const offset = digest[digest.length - 1] & 0xf;
  return String((digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

async function signIn(name, secret, code) {
  const response = await call('POST', '/api/v1/auth/login', {
    body: { username: name, password: secret, ...(code ? { totp: code } : {}) },
  });
  if (response.status !== 200)
    throw new Error(`sign-in as ${name} answered ${response.status}: ${response.json?.detail ?? ''}`);
  return response.json;
}

async function checkIdor(adminToken, cleanup) {
  if (!adminToken) return skip('IDOR between roles', 'no MEDISYS_AUDIT_USERNAME');
  const accounts = {};
  for (const role of ['staff', 'finance', 'doctor']) {
    const name = `secaudit-${role}-${randomBytes(3).toString('hex')}`;
    let secret = `${randomBytes(18).toString('base64url')}-Aa1`;
    const created = await call('POST', '/api/v1/users', {
      token: adminToken,
      body: { username: name, password: secret, role },
    });
    if (created.status !== 201)
      return fail(
        'idor',
        `could not create a ${role} test user (${created.status}): ${created.json?.detail ?? ''}`,
      );
    cleanup.push(() =>
      call('PATCH', `/api/v1/users/${created.json.id}`, { token: adminToken, body: { active: false } }),
    );
    let session = await signIn(name, secret);
    if (session.user?.mustChangePassword) {
      const next = `${randomBytes(18).toString('base64url')}-Bb2`;
      await call('POST', '/api/v1/auth/password', {
        token: session.token,
        body: { currentPassword: secret, newPassword: next },
      });
      secret = next;
      session = await signIn(name, secret);
    }
    accounts[role] = { id: created.json.id, token: session.token };
  }
  const patient = await call('POST', '/api/v1/patients', {
    token: accounts.staff.token,
    body: { name: 'Security Audit Probe', dateOfBirth: '1970-01-01' },
  });
  if (patient.status === 201)
    cleanup.push(() => call('POST', `/api/v1/patients/${patient.json.id}/archive`, { token: adminToken }));
  const refusals = [
    ['staff lists users', 'staff', 'GET', '/api/v1/users'],
    ['staff reads the audit trail', 'staff', 'GET', '/api/v1/audit-events'],
    ['staff makes itself admin', 'staff', 'PATCH', `/api/v1/users/${accounts.staff.id}`, { role: 'admin' }],
    [
      'doctor creates a user',
      'doctor',
      'POST',
      '/api/v1/users',
      { username: 'secaudit-x', password: 'a long enough password', role: 'admin' },
    ],
    ['finance reads the audit trail', 'finance', 'GET', '/api/v1/audit-events'],
    ['finance unlocks a user', 'finance', 'PATCH', `/api/v1/users/${accounts.doctor.id}`, { locked: false }],
  ];
  if (patient.status === 201) {
    refusals.push([
      'finance reads a clinical history',
      'finance',
      'GET',
      `/api/v1/patients/${patient.json.id}/history`,
    ]);
    refusals.push([
      'doctor reads the history of a patient not in their care',
      'doctor',
      'GET',
      `/api/v1/patients/${patient.json.id}/history`,
    ]);
  } else {
    skip('object-level checks on a patient', `registering the probe patient answered ${patient.status}`);
  }
  let opened = 0;
  for (const [name, role, method, url, body] of refusals) {
    const response = await call(method, url, { token: accounts[role].token, body });
    if (response.status >= 200 && response.status < 300) {
      opened++;
      fail('idor', `${name}: ${method} ${url} answered ${response.status}`);
    } else if (response.status >= 500)
      fail('verbose-errors', `${name}: ${method} ${url} answered ${response.status}`);
  }
  const sessions = await call('GET', '/api/v1/auth/sessions', { token: accounts.staff.token });
  const sessionId = sessions.json?.items?.[0]?.id ?? sessions.json?.[0]?.id;
  if (sessions.status === 200 && sessionId) {
    const revoke = await call('DELETE', `/api/v1/auth/sessions/${sessionId}`, {
      token: accounts.finance.token,
    });
    const still = await call('GET', '/api/v1/auth/me', { token: accounts.staff.token });
    if ((revoke.status >= 200 && revoke.status < 300) || still.status !== 200) {
      opened++;
      fail('idor', `one user ended another user's session (${revoke.status})`);
    }
  } else {
    skip("ending another user's session", `GET /api/v1/auth/sessions answered ${sessions.status}`);
  }
  if (opened === 0) pass(`${refusals.length} cross-role and cross-user requests were refused`);
}

// ---------------------------------------------------------------- run ------------------------------
const cleanup = [];
let exitCode = 0;
try {
  const health = await call('GET', '/api/health').catch((error) => ({ status: 0, text: String(error) }));
  if (health.status === 0) {
    fail('availability', `${base} does not answer`, health.text);
  } else {
    let adminToken;
    if (username) {
      const signedIn = await signIn(username, password, totpSecret ? totp(totpSecret) : undefined).catch(
        (error) => {
          fail('setup', `cannot sign in as ${username}`, error.message);
          return undefined;
        },
      );
      adminToken = signedIn?.token;
    } else {
      skip('checks as a signed-in administrator', 'set MEDISYS_AUDIT_USERNAME and MEDISYS_AUDIT_PASSWORD');
    }
    await checkHeaders();
    await checkAuthenticationBypass();
    await checkIdor(adminToken, cleanup);
    await checkSqlInjection(adminToken);
    await checkXssReflection(adminToken);
    await checkVerboseErrors();
    const managementHealth = await call('GET', `${management}/actuator/health`).catch(() => undefined);
    if (managementHealth && managementHealth.status < 500)
      out(
        `INFO  management endpoints at ${management} answer ${managementHealth.status}: keep that port on the management network`,
      );
  }
} catch (error) {
  fail('audit', 'the audit could not finish', error.message);
} finally {
  for (const undo of cleanup.reverse()) await undo().catch(() => undefined);
}
const summary =
  findings.length === 0
    ? `Security audit passed (${skipped} check(s) skipped).`
    : `Security audit FAILED: ${findings.length} finding(s).`;
out(summary);
writeFileSync(path.join(reportDir, 'report.txt'), `${lines.join('\n')}\n`);
writeFileSync(
  path.join(reportDir, 'findings.json'),
  `${JSON.stringify({ target: base, at: new Date().toISOString(), findings }, null, 2)}\n`,
);
writeFileSync(path.join(reportDir, 'headers.txt'), `${headerDump.join('\n')}\n`);
console.log(`Report: ${reportDir}`);
if (findings.length > 0) exitCode = 1;
process.exit(exitCode);
