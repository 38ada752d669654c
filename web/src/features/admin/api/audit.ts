import { useInfiniteQuery, type UseInfiniteQueryResult, type InfiniteData } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

/** One line of the audit trail (GET /api/v1/audit-events). */
export interface AuditEvent {
  readonly id: number;
  readonly occurredAt: string;
  readonly action: string;
  readonly outcome: string;
  readonly actorUserId: string | null;
  readonly actorUsername: string | null;
  readonly actorRole: string | null;
  readonly entityType: string | null;
  readonly entityId: string | null;
  readonly patientId: string | null;
  readonly clientAddress: string | null;
  readonly requestId: string | null;
  readonly details: Record<string, unknown>;
}

export interface AuditFilters {
  readonly username?: string;
  readonly action?: string;
  readonly patientId?: string;
  readonly from?: string;
  readonly to?: string;
}

export interface AuditPage {
  readonly items: AuditEvent[];
  /** Pass as `before` for the next, older page; null at the beginning of the trail. */
  readonly nextCursor: number | null;
}

export async function getAuditEvents(
  filters: AuditFilters,
  before: number | undefined,
  signal?: AbortSignal,
): Promise<AuditPage> {
  return api.get<AuditPage>('/api/v1/audit-events', { ...filters, before, limit: 50 }, signal);
}

/** Newest first, 50 at a time; "load older" follows the cursor. */
export function useAuditEvents(
  filters: AuditFilters,
): UseInfiniteQueryResult<InfiniteData<AuditPage, number | undefined>> {
  return useInfiniteQuery({
    queryKey: ['audit-events', filters],
    queryFn: ({ pageParam, signal }) => getAuditEvents(filters, pageParam, signal),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
