import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';

const HEADERS = [
  'content-security-policy',
  'x-content-type-options',
  'referrer-policy',
  'x-frame-options',
  'permissions-policy',
];

function expectSecurityHeaders(headers: Record<string, unknown>): void {
  const csp = String(headers['content-security-policy']);
  for (const directive of [
    "default-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ]) {
    expect(csp).toContain(directive);
  }
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).not.toContain('unsafe-eval');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['x-frame-options']).toBe('DENY');
  expect(String(headers['permissions-policy'])).toContain('camera=()');
}

describe('security headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp('embedded', { 'server.trust-proxy': '10.9.9.9' });
  });
  afterAll(async () => t?.close());

  it('are on every response: pages, JSON, errors and 404s', async () => {
    const requests = [
      { method: 'GET' as const, url: '/' },
      { method: 'GET' as const, url: '/api/health' },
      { method: 'GET' as const, url: '/api/openapi.json' },
      { method: 'GET' as const, url: '/api/v1/patients' },
      { method: 'GET' as const, url: '/no/such/page' },
      {
        method: 'POST' as const,
        url: '/api/v1/auth/login',
        payload: '{"username":',
        headers: { 'content-type': 'application/json' },
      },
    ];
    for (const request of requests) {
      const response = await t.app.api.inject(request);
      expect(response.statusCode, request.url).toBeLessThan(500);
      expectSecurityHeaders(response.headers);
      expect(response.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('serve the API docs under their own policy, with no inline script on the page', async () => {
    const page = await t.app.api.inject({ method: 'GET', url: '/api/docs' });
    expect(page.statusCode).toBe(200);
    expectSecurityHeaders(page.headers);
    const scripts = [...page.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc=/);
      expect(body!.trim()).toBe('');
    }
    expect(page.body).not.toMatch(/<style\b|\sstyle=/i);
    const initializer = await t.app.api.inject({
      method: 'GET',
      url: '/api/docs/static/swagger-initializer.js',
    });
    expect(initializer.statusCode).toBe(200);
    expect(initializer.headers['content-type']).toContain('javascript');
  });

  it('add HSTS only when a trusted proxy says the request came over TLS', async () => {
    const trusted = await t.app.api.inject({
      method: 'GET',
      url: '/api/health',
      headers: { 'x-forwarded-proto': 'https' },
      remoteAddress: '10.9.9.9',
    });
    expect(trusted.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    const spoofed = await t.app.api.inject({
      method: 'GET',
      url: '/api/health',
      headers: { 'x-forwarded-proto': 'https' },
      remoteAddress: '192.0.2.1',
    });
    expect(spoofed.headers['strict-transport-security']).toBeUndefined();
  });

  it('take X-Forwarded-For as the client address only from the configured proxy', async () => {
    const probe = async (remoteAddress: string, id: string): Promise<unknown> => {
      await t.app.api.inject({
        method: 'GET',
        url: '/api/v1/patients',
        headers: { 'x-forwarded-for': '203.0.113.7', 'x-request-id': id },
        remoteAddress,
      });
      const line = (await t.logLines('security'))
        .map((entry) => JSON.parse(entry))
        .find((entry) => entry.requestId === id);
      return line?.clientAddress;
    };
    expect(await probe('10.9.9.9', 'xff-trusted')).toBe('203.0.113.7');
    expect(await probe('192.0.2.1', 'xff-untrusted')).toBe('192.0.2.1');
  });
});

describe('security.headers.enabled=false (the test-only switch)', () => {
  it('drops the security headers and nothing else', async () => {
    const t = await buildTestApp('embedded', { 'security.headers.enabled': 'false' });
    try {
      const response = await t.app.api.inject({ method: 'GET', url: '/api/health' });
      expect(response.statusCode).toBe(200);
      for (const header of HEADERS) expect(response.headers[header]).toBeUndefined();
      expect(response.headers['x-request-id']).toBeDefined();
      expect(response.headers['cache-control']).toBe('no-store');
    } finally {
      await t.close();
    }
  });
});

describe('HTTPS served directly', () => {
  let t: TestApp;
  let dir: string;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'medisys-tls-'));
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
    ]);
    t = await buildTestApp('embedded', {
      'server.ssl.certificate': path.join(dir, 'cert.pem'),
      'server.ssl.key': path.join(dir, 'key.pem'),
    });
    await t.app.api.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.api.server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers over TLS 1.2 or newer, with HSTS', async () => {
    const response = await new Promise<{
      status: number;
      headers: Record<string, unknown>;
      protocol: string;
    }>((resolve, reject) => {
      const request = httpsRequest(
        { host: '127.0.0.1', port, path: '/api/health', rejectUnauthorized: false },
        (res) => {
          res.resume();
          const protocol = (res.socket as TLSSocket).getProtocol() ?? '';
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, protocol }));
        },
      );
      request.on('error', reject);
      request.end();
    });
    expect(response.status).toBe(200);
    expect(['TLSv1.2', 'TLSv1.3']).toContain(response.protocol);
    expect(response.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expectSecurityHeaders(response.headers);
  });

  it('refuses TLS 1.1', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect({
        host: '127.0.0.1',
        port,
        rejectUnauthorized: false,
        minVersion: 'TLSv1',
        maxVersion: 'TLSv1.1',
        ciphers: 'DEFAULT@SECLEVEL=0',
      });
      socket.once('secureConnect', () => {
        resolve(`connected with ${socket.getProtocol()}`);
        socket.destroy();
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    expect(outcome).not.toMatch(/^connected/);
    expect(outcome).toMatch(/PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL|NO_PROTOCOLS/i);
  });

  it('refuses half a TLS configuration at start-up, naming the key', async () => {
    await expect(
      buildTestApp('embedded', { 'server.ssl.certificate': path.join(dir, 'cert.pem') }),
    ).rejects.toThrow(/server\.ssl\.key/);
  });
});
