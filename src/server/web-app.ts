import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Hashed build output: a changed file gets a new name, so browsers may keep these for a year. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';
/** The entry page names the current hashed files: always fetched fresh, never stored. */
export const ENTRY_CACHE_CONTROL = 'no-store';
/** Unhashed files beside it (the icon): kept, but revalidated. */
const REVALIDATE_CACHE_CONTROL = 'no-cache';

const ASSETS_PREFIX = '/assets/';

/**
 * Where `npm run build` puts the web application (web/ built by Vite into dist/web). From the
 * compiled server (dist/server) that is ../web; from the sources (tests, tsx) it is ../../dist/web.
 * Undefined when it has not been built.
 */
export function defaultWebRoot(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const candidate of [path.resolve(here, '../web'), path.resolve(here, '../../dist/web')]) {
    if (existsSync(path.join(candidate, 'index.html'))) return candidate;
  }
  return undefined;
}

/** Paths that are never a page of the application: the API and missing build files answer 404. */
function isApplicationPage(url: string): boolean {
  const pathname = url.split('?')[0] ?? '/';
  if (pathname === '/api' || pathname.startsWith('/api/')) return false;
  if (pathname.startsWith(ASSETS_PREFIX)) return false;
  // A path with a file extension is a missing file (say /robots.txt), not a client route.
  return !/\.[a-z0-9]{1,8}$/i.test(pathname);
}

const NOT_BUILT_PAGE =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>MediSys</title></head><body>' +
  '<h1>MediSys</h1><p>The API is running, but the web application has not been built. Run ' +
  '<code>npm run build</code> and restart MediSys. The API documentation is at <a href="/api/docs">/api/docs</a>.</p>' +
  '</body></html>';

/**
 * Serves the single-page web application at `/`: the built files from `root` (hashed ones under
 * /assets/ cached for a year), and index.html for every other GET that is not the API, so that the
 * client's routes (/patients/123) survive a reload. The Content-Security-Policy comes from the
 * security-headers plugin like every response's.
 */
export async function registerWebApp(api: FastifyInstance, root: string | undefined): Promise<void> {
  if (!root || !existsSync(path.join(root, 'index.html'))) {
    api.get('/', { config: { public: true }, schema: { hide: true } }, async (_request, reply) =>
      reply
        .header('cache-control', ENTRY_CACHE_CONTROL)
        .type('text/html; charset=utf-8')
        .send(NOT_BUILT_PAGE),
    );
    return;
  }
  // Read once: a release's files do not change while it runs.
  const indexHtml = readFileSync(path.join(root, 'index.html'));
  const sendIndex = async (_request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> =>
    reply.header('cache-control', ENTRY_CACHE_CONTROL).type('text/html; charset=utf-8').send(indexHtml);

  await api.register(async (web) => {
    web.addHook('onSend', async (request, reply, payload) => {
      const pathname = request.url.split('?')[0] ?? '';
      if (reply.statusCode < 400 && !pathname.endsWith('.html')) {
        void reply.header(
          'cache-control',
          pathname.startsWith(ASSETS_PREFIX) ? IMMUTABLE_CACHE_CONTROL : REVALIDATE_CACHE_CONTROL,
        );
      }
      return payload;
    });
    await web.register(fastifyStatic, {
      root,
      prefix: '/',
      // One route per built file, listed at start-up: no catch-all route competes with the API's.
      wildcard: false,
      index: false,
      // scripts/compress-web-assets.mjs writes .br and .gz beside each asset.
      preCompressed: true,
      cacheControl: false,
      schemaHide: true,
    });
  });

  api.get('/', { config: { public: true }, schema: { hide: true } }, sendIndex);
  api.get('/*', { config: { public: true }, schema: { hide: true } }, async (request, reply) =>
    isApplicationPage(request.url) ? sendIndex(request, reply) : reply.callNotFound(),
  );
}
