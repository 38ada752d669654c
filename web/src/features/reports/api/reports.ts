import { keepPreviousData, useQuery, type UseQueryResult } from '@tanstack/react-query';
import { api, apiDownload, type DownloadedFile } from '@/lib/api-client';
import {
  reportPath,
  reportQuery,
  type ReportFilterValues,
  type ReportFormat,
} from '../components/report-query';
import type { ReportJson } from '../components/report-view';

/** GET /api/v1/reports/{report} as JSON for the preview; only once the filters are applied. */
export function useReport(filters: ReportFilterValues | undefined): UseQueryResult<ReportJson> {
  return useQuery({
    queryKey: ['reports', filters],
    queryFn: ({ signal }) =>
      api.get<ReportJson>(reportPath(filters!.report), reportQuery(filters!, 'json'), signal),
    enabled: filters !== undefined,
    placeholderData: keepPreviousData,
    // A report is a snapshot; it is regenerated when asked for, not on every focus.
    refetchOnWindowFocus: false,
  });
}

/** The report as the server's CSV or PDF, downloaded with the session cookie. */
export async function downloadReport(
  filters: ReportFilterValues,
  format: Exclude<ReportFormat, 'json'>,
): Promise<DownloadedFile> {
  return apiDownload(reportPath(filters.report), reportQuery(filters, format), {
    fallbackName: `${filters.report}.${format}`,
  });
}

export interface DepartmentOption {
  readonly id: string;
  readonly name: string;
  readonly archived: boolean;
}

export function useDepartments(): UseQueryResult<{ items: DepartmentOption[] }> {
  return useQuery({
    queryKey: ['reports', 'departments'],
    queryFn: ({ signal }) =>
      api.get<{ items: DepartmentOption[] }>('/api/v1/departments', { limit: 200 }, signal),
    staleTime: 5 * 60_000,
  });
}
