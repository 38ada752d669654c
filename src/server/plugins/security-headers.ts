import type { FastifyInstance } from 'fastify';

/**
 * The Content-Security-Policy of the API and the web UI. The UI is a Vite-built single-page app with
 * no inline script or style elements: its CSS is in files, React sets styles through the DOM (which CSP
 * does not restrict), and Vite inlines small images and fonts as data: URLs. Uploaded photos and
 * documents are previewed through blob: URLs.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/**
 * The policy of the Swagger UI at /api/docs (given to @fastify/swagger-ui as its staticCSP, which it
 * sets on its own routes): the same as the UI's; its page loads its scripts and styles from files.
 */
export const API_DOCS_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY;

export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000; includeSubDomains';

const PERMISSIONS_POLICY = [
  'accelerometer=()',
  'autoplay=()',
  'camera=()',
  'display-capture=()',
  'geolocation=()',
  'gyroscope=()',
  'magnetometer=()',
  'microphone=()',
  'midi=()',
  'payment=()',
  'usb=()',
].join(', ');

const HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'permissions-policy': PERMISSIONS_POLICY,
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export interface SecurityHeadersOptions {
  /** `security.headers.enabled`: false only in tests (it shows that scripts/security-audit.sh can fail). */
  readonly enabled: boolean;
}

/**
 * Security headers on every response, errors and 404s included. HSTS only when the request came over
 * TLS: served directly with server.ssl.*, or through a trusted proxy (server.trust-proxy) that says
 * X-Forwarded-Proto: https. Browsers ignore HSTS over plain HTTP, and sending it there would only mislead.
 */
export function registerSecurityHeaders(server: FastifyInstance, options: SecurityHeadersOptions): void {
  if (!options.enabled) return;
  server.addHook('onRequest', async (request, reply) => {
    void reply.headers(HEADERS);
    if (request.protocol === 'https')
      void reply.header('strict-transport-security', STRICT_TRANSPORT_SECURITY);
  });
}
