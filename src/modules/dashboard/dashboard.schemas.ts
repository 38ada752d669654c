import { Type, type Static } from 'typebox';

const Count = Type.Integer({ minimum: 0 });

/** Each part is present only when the caller's role may read what it counts. */
export const DashboardSchema = Type.Object({
  date: Type.String({ format: 'date', description: 'Today in hospital.timezone' }),
  timeZone: Type.String(),
  generatedAt: Type.String({
    format: 'date-time',
    description: 'When the figures were computed; they are cached for a few seconds',
  }),
  patients: Type.Optional(
    Type.Object({
      total: Type.Integer({ minimum: 0, description: 'Active (not archived) patients' }),
      newThisMonth: Count,
    }),
  ),
  appointmentsToday: Type.Optional(
    Type.Object({
      total: Count,
      byStatus: Type.Object({
        scheduled: Count,
        checkedIn: Count,
        completed: Count,
        cancelled: Count,
        noShow: Count,
      }),
    }),
  ),
  openAdmissions: Type.Optional(
    Type.Object({
      total: Count,
      byPriority: Type.Array(
        Type.Object({ priority: Type.Integer({ minimum: 1, maximum: 5 }), admissions: Count }),
        { description: 'Triage priority 1 (resuscitation) to 5 (non-urgent), every priority listed' },
      ),
    }),
  ),
  revenue: Type.Optional(
    Type.Object(
      {
        thisMonthCents: Type.Integer({
          minimum: 0,
          description: 'Invoices issued this month, subtotal less discount (as the finance report)',
        }),
        outstandingCents: Type.Integer({ minimum: 0, description: 'Still owed on issued invoices' }),
      },
      { description: 'For roles that read both reports and billing (finance, admin)' },
    ),
  ),
});
export type Dashboard = Static<typeof DashboardSchema>;

/** A successful write through a route, as Fastify names it: the method and `request.routeOptions.url`. */
export type FigureWrite = `${'POST' | 'PUT' | 'PATCH' | 'DELETE'} /api/v1/${string}`;

/** The parts of the dashboard that are figures (not its date, zone or timestamp). */
export type DashboardFigure = Exclude<keyof Dashboard, 'date' | 'timeZone' | 'generatedAt'>;

/**
 * For each figure, the write routes whose success can change it: each one drops the cached dashboard on
 * every instance (dashboard-freshness.ts). A new figure does not compile until it names its writes here,
 * and a write that can change a figure but is left out shows a stale figure until cache.ttl.dashboard.
 * Writes that change no figure (history, documents, care team, coverages, drafts) are left out on
 * purpose so that they keep the cache warm. Writes made outside the API (CLI, seed) wait for the TTL.
 */
export const DASHBOARD_FIGURE_WRITES = {
  patients: [
    // Active records and this month's registrations: registered, archived, merged away and back.
    'POST /api/v1/patients',
    'POST /api/v1/patients/:id/archive',
    'POST /api/v1/patients/:id/restore',
    'POST /api/v1/patients/merges',
    'POST /api/v1/patients/merges/:id/undo',
    // An unknown emergency patient gets a temporary record, archived as merged once identified.
    'POST /api/v1/admissions',
    'POST /api/v1/admissions/:id/identify',
  ],
  appointmentsToday: [
    'POST /api/v1/appointments',
    'POST /api/v1/appointments/:id/reschedule',
    'POST /api/v1/appointments/:id/check-in',
    'POST /api/v1/appointments/:id/complete',
    'POST /api/v1/appointments/:id/cancel',
    'POST /api/v1/appointments/:id/no-show',
  ],
  openAdmissions: [
    // A transfer keeps the admission open at its priority, so it is not listed.
    'POST /api/v1/admissions',
    'PATCH /api/v1/admissions/:id',
    'POST /api/v1/admissions/:id/discharge',
  ],
  revenue: [
    // Drafts (created, edited, reissued) are not counted; issuing and voiding are.
    'POST /api/v1/invoices/:id/issue',
    'POST /api/v1/invoices/:id/void',
    'POST /api/v1/payments',
    'POST /api/v1/payments/:id/refund',
    // The payer's payment is posted to the invoice as an insurance payment.
    'POST /api/v1/claims/:id/payment',
  ],
} as const satisfies Record<DashboardFigure, readonly FigureWrite[]>;
