import {
  keepPreviousData,
  useMutation,
  useQuery,
  useQueryClient,
  type UseMutationResult,
  type UseQueryResult,
} from '@tanstack/react-query';
import { api, type ApiError } from '@/lib/api-client';
import {
  patchVersioned,
  useVersionedUpdate,
  versionedQuery,
  type VersionedUpdate,
} from '@/lib/versioned-record';

export const INVOICE_STATUSES = ['draft', 'issued', 'partially_paid', 'paid', 'void'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

/** A row of GET /api/v1/invoices. */
export interface InvoiceListItem {
  readonly id: string;
  readonly number: string | null;
  readonly patientId: string;
  readonly patientName: string;
  readonly patientMrn: string;
  readonly status: InvoiceStatus;
  readonly totalCents: number;
  readonly paidCents: number;
  readonly outstandingCents: number;
  readonly issueDate: string | null;
  readonly createdAt: string;
}

export interface InvoiceItem {
  readonly id: string;
  readonly position: number;
  readonly serviceCode: string | null;
  readonly description: string;
  readonly quantity: number;
  readonly unitPriceCents: number;
  readonly lineTotalCents: number;
}

/** GET /api/v1/invoices/{id}. */
export interface Invoice {
  readonly id: string;
  readonly number: string | null;
  readonly patientId: string;
  readonly status: InvoiceStatus;
  readonly items: InvoiceItem[];
  readonly subtotalCents: number;
  readonly discountCents: number;
  readonly discountBasisPoints: number | null;
  readonly taxRateBasisPoints: number;
  readonly taxCents: number;
  readonly totalCents: number;
  readonly paidCents: number;
  readonly outstandingCents: number;
  readonly issueDate: string | null;
  readonly notes: string | null;
  readonly voidedAt: string | null;
  readonly voidReason: string | null;
  readonly replacesInvoiceId: string | null;
  readonly replacedByInvoiceId: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

export interface InvoiceFilters {
  readonly status?: InvoiceStatus;
  readonly patientId?: string;
  readonly offset: number;
}

export interface InvoicePage {
  readonly items: InvoiceListItem[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

export interface NewInvoice {
  readonly patientId: string;
  readonly items: readonly {
    readonly serviceCode?: string;
    readonly description: string;
    readonly quantity: number;
    readonly unitPriceCents: number;
  }[];
  readonly discountCents?: number;
  readonly discountBasisPoints?: number;
  readonly taxRateBasisPoints?: number;
  readonly notes?: string;
}

/** PATCH /api/v1/invoices/{id} of a draft: only what changed; null clears the notes. */
export interface InvoiceChanges {
  readonly items?: NewInvoice['items'];
  readonly discountCents?: number;
  readonly discountBasisPoints?: number;
  readonly taxRateBasisPoints?: number;
  readonly notes?: string | null;
}

export const INVOICES_PAGE_SIZE = 25;

export const financeKeys = {
  invoices: ['finance', 'invoices'] as const,
  invoiceList: (filters: InvoiceFilters) => ['finance', 'invoices', 'list', filters] as const,
  invoice: (invoiceId: string) => ['finance', 'invoices', 'one', invoiceId] as const,
  payments: (invoiceId: string) => ['finance', 'payments', invoiceId] as const,
  receipt: (paymentId: string) => ['finance', 'receipt', paymentId] as const,
  coverages: (patientId: string) => ['finance', 'coverages', patientId] as const,
  claims: ['finance', 'claims'] as const,
};

const invoicePath = (invoiceId: string): string => `/api/v1/invoices/${encodeURIComponent(invoiceId)}`;

export function useInvoices(filters: InvoiceFilters): UseQueryResult<InvoicePage> {
  return useQuery({
    queryKey: financeKeys.invoiceList(filters),
    queryFn: ({ signal }) =>
      api.get<InvoicePage>('/api/v1/invoices', { ...filters, limit: INVOICES_PAGE_SIZE }, signal),
    placeholderData: keepPreviousData,
  });
}

/** An invoice and the ETag its transitions send back as If-Match. */
export interface VersionedInvoice {
  readonly invoice: Invoice;
  readonly etag: string;
}

/** The invoice with its ETag, for useQuery and for fetching afresh after a 412. */
export function invoiceQueryOptions(
  invoiceId: string,
): ReturnType<typeof versionedQuery<'invoice', Invoice>> {
  return versionedQuery<'invoice', Invoice>(
    'invoice',
    financeKeys.invoice(invoiceId),
    invoicePath(invoiceId),
  );
}

export function useInvoice(invoiceId: string): UseQueryResult<VersionedInvoice> {
  return useQuery(invoiceQueryOptions(invoiceId));
}

/** POST /api/v1/invoices: a draft; the key makes a double submission create one. */
export function useCreateInvoice(idempotencyKey: string): UseMutationResult<Invoice, ApiError, NewInvoice> {
  const queryClient = useQueryClient();
  return useMutation<Invoice, ApiError, NewInvoice>({
    mutationFn: (input) => api.post<Invoice>('/api/v1/invoices', input, { idempotencyKey }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: financeKeys.invoices }),
  });
}

export interface InvoiceTransition {
  readonly etag: string;
  readonly idempotencyKey: string;
  /** The void's reason; unused by issue. */
  readonly reason?: string;
}

/** Issue or void, sent with If-Match so that a stale screen gets 412 instead of acting on a newer invoice. */
export function useInvoiceTransition(
  invoiceId: string,
  action: 'issue' | 'void',
): UseMutationResult<Invoice, ApiError, InvoiceTransition> {
  const queryClient = useQueryClient();
  return useMutation<Invoice, ApiError, InvoiceTransition>({
    mutationFn: ({ etag, idempotencyKey, reason }) =>
      api.post<Invoice>(`${invoicePath(invoiceId)}/${action}`, action === 'void' ? { reason } : {}, {
        ifMatch: etag,
        idempotencyKey,
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['finance'] }),
  });
}

/** PATCH of a draft with If-Match: 412 when someone saved it since, 409 once it has been issued. */
export function useUpdateInvoice(
  invoiceId: string,
): UseMutationResult<VersionedInvoice, ApiError, VersionedUpdate<InvoiceChanges>> {
  return useVersionedUpdate({
    patch: (update) => patchVersioned<'invoice', Invoice>('invoice', invoicePath(invoiceId), update),
    recordKey: financeKeys.invoice(invoiceId),
    listKey: financeKeys.invoices,
  });
}

/** POST /api/v1/invoices/{id}/reissue: a void invoice copied into a new draft to correct and issue. */
export function useReissueInvoice(
  invoiceId: string,
  idempotencyKey: string,
): UseMutationResult<Invoice, ApiError, void> {
  const queryClient = useQueryClient();
  return useMutation<Invoice, ApiError, void>({
    mutationFn: () => api.post<Invoice>(`${invoicePath(invoiceId)}/reissue`, {}, { idempotencyKey }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: financeKeys.invoices }),
  });
}

/** Who a patient is, to label the invoice form opened from the patient's page. */
export function usePatientLabel(
  patientId: string,
): UseQueryResult<{ id: string; name: string; mrn: string }> {
  return useQuery({
    queryKey: ['finance', 'patient', patientId],
    queryFn: ({ signal }) =>
      api.get<{ id: string; name: string; mrn: string }>(
        `/api/v1/patients/${encodeURIComponent(patientId)}`,
        undefined,
        signal,
      ),
    enabled: patientId !== '',
  });
}
