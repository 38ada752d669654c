import { authOf, type Api } from '../../server/types.js';
import { DashboardSchema } from './dashboard.schemas.js';
import type { DashboardService } from './dashboard.service.js';

export function registerDashboardRoutes(api: Api, dashboard: DashboardService): void {
  api.get(
    '/api/v1/dashboard',
    {
      config: { permission: 'dashboard:read' },
      schema: {
        tags: ['dashboard'],
        summary:
          "Today's figures for the start page; parts follow the caller's role; cached for a few seconds",
        response: { 200: DashboardSchema },
      },
    },
    async (request) => dashboard.forRole(authOf(request).actor.role),
  );
}
