export { InvoicesService, type InvoicePage } from './invoices.service.js';
export {
  PaymentsService,
  type PaymentPage,
  type PaymentPosting,
  type RefundResult,
} from './payments.service.js';
export { ReceiptsService, type Receipt } from './receipts.service.js';
export { BalancesService, type Statement, type StatementLine } from './balances.service.js';
export { registerInvoiceRoutes } from './invoices.routes.js';
export { registerPaymentRoutes } from './payments.routes.js';
export { registerBalanceRoutes } from './balances.routes.js';
export { nextDocumentNumber, yearOf, type DocumentKind } from './document-numbers.js';
export { localToday } from './lookups.repository.js';
export { findInvoiceHeader, type InvoiceHeaderRecord, type InvoiceRecord } from './invoices.repository.js';
export type { PaymentRecord, RefundRecord } from './payments.repository.js';
export { shareOf, formatCents } from './money.js';
export { sendDownload } from './billing-http.js';
export { FinanceReportService, type FinanceRequest, type FinanceFormat } from './finance-report.service.js';
export { registerFinanceReportRoutes } from './finance-report.routes.js';
export type { FinanceReport } from './finance-report.model.js';
