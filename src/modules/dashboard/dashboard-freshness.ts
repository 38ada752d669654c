import type { Api } from '../../server/types.js';
import type { DashboardService } from './dashboard.service.js';

/**
 * The routes whose writes change a figure of the dashboard: patients registered or merged, appointments,
 * admissions, invoices and payments. Every successful write through one of them drops the cached
 * dashboard (on every instance, when Redis is shared) before its response is sent, so that a user who
 * registers a patient and opens the start page through another instance sees the new count.
 */
const COUNTED_ROUTES = [
  '/api/v1/patients',
  '/api/v1/appointments',
  '/api/v1/admissions',
  '/api/v1/invoices',
  '/api/v1/payments',
] as const;

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function changesDashboard(method: string, route: string | undefined, status: number): boolean {
  if (READS.has(method) || status < 200 || status >= 300 || route === undefined) return false;
  return COUNTED_ROUTES.some((prefix) => route === prefix || route.startsWith(`${prefix}/`));
}

/** Registers the hook; call before the routes so that it applies to all of them. */
export function registerDashboardFreshness(api: Api, dashboard: DashboardService): void {
  api.addHook('onSend', async (request, reply, payload) => {
    if (changesDashboard(request.method, request.routeOptions.url, reply.statusCode)) {
      await dashboard.invalidate();
    }
    return payload;
  });
}
