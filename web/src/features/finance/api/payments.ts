import {
  useMutation,
  useQuery,
  useQueryClient,
  type UseMutationResult,
  type UseQueryResult,
} from '@tanstack/react-query';
import { api, apiDownload, type ApiError, type DownloadedFile } from '@/lib/api-client';
import { financeKeys, type InvoiceStatus } from './invoices';

export const PAYMENT_METHODS = ['cash', 'card', 'bank_transfer', 'insurance'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** GET /api/v1/payments rows and POST /api/v1/payments. */
export interface Payment {
  readonly id: string;
  readonly receiptNumber: string;
  readonly invoiceId: string;
  readonly patientId: string;
  readonly amountCents: number;
  readonly method: PaymentMethod;
  readonly reference: string | null;
  readonly claimId: string | null;
  readonly refundedCents: number;
  /** What may still be refunded: amountCents - refundedCents. */
  readonly refundableCents: number;
  readonly receivedAt: string;
  readonly receivedBy: string | null;
  readonly invoice: {
    readonly id: string;
    readonly number: string | null;
    readonly status: InvoiceStatus;
    readonly totalCents: number;
    readonly paidCents: number;
    readonly outstandingCents: number;
  };
}

/** GET /api/v1/payments/{id}/receipt. */
export interface Receipt {
  readonly receiptNumber: string;
  readonly issuedAt: string;
  readonly payment: Payment;
  readonly refunds: readonly { readonly id: string; readonly amountCents: number; readonly reason: string }[];
  readonly patient: { readonly id: string; readonly mrn: string; readonly name: string };
  readonly invoice: Payment['invoice'] & { readonly issueDate: string | null };
}

export interface NewPayment {
  readonly amountCents: number;
  readonly method: PaymentMethod;
  readonly reference?: string;
}

export function useInvoicePayments(invoiceId: string): UseQueryResult<{ items: Payment[]; total: number }> {
  return useQuery({
    queryKey: financeKeys.payments(invoiceId),
    queryFn: ({ signal }) =>
      api.get<{ items: Payment[]; total: number }>('/api/v1/payments', { invoiceId, limit: 100 }, signal),
  });
}

/** POST /api/v1/payments; 409 when it is more than is outstanding. */
export function useRecordPayment(
  invoiceId: string,
  idempotencyKey: string,
): UseMutationResult<Payment, ApiError, NewPayment> {
  const queryClient = useQueryClient();
  return useMutation<Payment, ApiError, NewPayment>({
    mutationFn: (input) => api.post<Payment>('/api/v1/payments', { ...input, invoiceId }, { idempotencyKey }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['finance'] }),
  });
}

export interface NewRefund {
  readonly amountCents: number;
  readonly reason: string;
}

/** POST /api/v1/payments/{id}/refund answers the refund with the payment as it now stands. */
export interface Refund extends NewRefund {
  readonly id: string;
  readonly paymentId: string;
  readonly refundedAt: string;
  readonly payment: Payment;
}

/** Refunds part or all of a payment; 409 when it is more than was paid and not yet refunded. */
export function useRefundPayment(
  paymentId: string,
  idempotencyKey: string,
): UseMutationResult<Refund, ApiError, NewRefund> {
  const queryClient = useQueryClient();
  return useMutation<Refund, ApiError, NewRefund>({
    mutationFn: (input) =>
      api.post<Refund>(`/api/v1/payments/${encodeURIComponent(paymentId)}/refund`, input, {
        idempotencyKey,
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['finance'] }),
  });
}

const receiptPath = (paymentId: string): string =>
  `/api/v1/payments/${encodeURIComponent(paymentId)}/receipt`;

export function useReceipt(paymentId: string): UseQueryResult<Receipt> {
  return useQuery({
    queryKey: financeKeys.receipt(paymentId),
    queryFn: ({ signal }) => api.get<Receipt>(receiptPath(paymentId), undefined, signal),
  });
}

/** The receipt as the server's PDF. */
export async function downloadReceiptPdf(paymentId: string): Promise<DownloadedFile> {
  return apiDownload(receiptPath(paymentId), { format: 'pdf' }, { fallbackName: 'receipt.pdf' });
}
