import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTRY_CACHE_CONTROL, IMMUTABLE_CACHE_CONTROL, registerWebApp } from './web-app.js';

const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head></html>';

describe('serving the web application', () => {
  let root: string;
  let server: FastifyInstance;
  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'medisys-web-'));
    mkdirSync(path.join(root, 'assets'));
    writeFileSync(path.join(root, 'index.html'), INDEX);
    writeFileSync(path.join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(path.join(root, 'assets/index-abc123.js'), 'console.log("app")');
    server = Fastify();
    server.get('/api/v1/ping', async () => ({ ok: true }));
    await registerWebApp(server, root);
    await server.ready();
  });
  afterAll(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers / and every client route with index.html, never cached', async () => {
    for (const url of ['/', '/patients/123/history', '/admin/users?tab=review']) {
      const response = await server.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.body).toBe(INDEX);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.headers['cache-control']).toBe(ENTRY_CACHE_CONTROL);
    }
  });

  it('caches hashed assets for a year and revalidates the other files', async () => {
    const asset = await server.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe(IMMUTABLE_CACHE_CONTROL);
    expect(asset.headers['content-type']).toContain('javascript');
    const icon = await server.inject({ method: 'GET', url: '/favicon.svg' });
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it('leaves the API, missing files and other methods to the 404 handler', async () => {
    expect((await server.inject({ method: 'GET', url: '/api/v1/ping' })).json()).toEqual({ ok: true });
    for (const url of ['/api/v1/unknown', '/api', '/assets/missing-def456.js', '/robots.txt']) {
      const response = await server.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.body).not.toBe(INDEX);
    }
    expect((await server.inject({ method: 'POST', url: '/patients' })).statusCode).toBe(404);
  });

  it('says how to build the app when it has not been built', async () => {
    const bare = Fastify();
    await registerWebApp(bare, path.join(root, 'no-such-folder'));
    const response = await bare.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('npm run build');
    await bare.close();
  });
});
