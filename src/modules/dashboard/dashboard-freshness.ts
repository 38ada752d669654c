import type { Api } from '../../server/types.js';
import { DASHBOARD_FIGURE_WRITES } from './dashboard.schemas.js';
import type { DashboardService } from './dashboard.service.js';

/**
 * The writes that change a figure of the dashboard, as `METHOD /route/:pattern`. Every successful one
 * drops the cached dashboard (on every instance, when Redis is shared) before its response is sent, so
 * that a user who registers a patient and opens the start page through another instance sees the new
 * count; any other write leaves the cache warm.
 */
const FIGURE_WRITES: ReadonlySet<string> = new Set(Object.values(DASHBOARD_FIGURE_WRITES).flat());

export function changesDashboard(method: string, route: string | undefined, status: number): boolean {
  if (status < 200 || status >= 300 || route === undefined) return false;
  return FIGURE_WRITES.has(`${method} ${route}`);
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
