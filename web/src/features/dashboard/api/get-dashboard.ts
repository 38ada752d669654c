import { queryOptions, useQuery, type UseQueryResult } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

/** GET /api/v1/dashboard: today's figures; the parts follow the caller's role. */
export interface Dashboard {
  readonly date: string;
  readonly timeZone: string;
  readonly generatedAt: string;
  readonly patients?: { readonly total: number; readonly newThisMonth: number };
  readonly appointmentsToday?: {
    readonly total: number;
    readonly byStatus: {
      readonly scheduled: number;
      readonly checkedIn: number;
      readonly completed: number;
      readonly cancelled: number;
      readonly noShow: number;
    };
  };
  readonly openAdmissions?: {
    readonly total: number;
    readonly byPriority: readonly { readonly priority: number; readonly admissions: number }[];
  };
  readonly revenue?: { readonly thisMonthCents: number; readonly outstandingCents: number };
}

export async function getDashboard(signal?: AbortSignal): Promise<Dashboard> {
  return api.get<Dashboard>('/api/v1/dashboard', undefined, signal);
}

export function dashboardQueryOptions() {
  return queryOptions({
    queryKey: ['dashboard'],
    queryFn: ({ signal }) => getDashboard(signal),
    // The server caches for a few seconds; a minute keeps the start page current without load.
    refetchInterval: 60_000,
  });
}

export function useDashboard(): UseQueryResult<Dashboard> {
  return useQuery(dashboardQueryOptions());
}
