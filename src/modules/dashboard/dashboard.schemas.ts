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
