import { describe, expect, it } from 'vitest';
import {
  chartSummary,
  formatCell,
  labelOf,
  previewTables,
  reportChart,
  type ReportJson,
} from './report-view';

const HEADING = {
  title: 'Report',
  generatedAt: '2025-03-17T10:00:00.000Z',
  generatedBy: 'fiona',
  filters: {
    from: '2025-03-01',
    to: '2025-03-17',
    timeZone: 'UTC',
    departmentId: null,
    departmentName: null,
  },
};

const APPOINTMENTS: ReportJson = {
  report: 'appointments',
  ...HEADING,
  totals: { appointments: 12, noShows: 1, noShowRate: 0.0833 },
  byStatus: [
    { status: 'checked_in', appointments: 3 },
    { status: 'no_show', appointments: 1 },
  ],
  byDoctor: [{ doctorId: 'd1', doctorName: 'Dr Grey', departmentName: null, appointments: 12 }],
};

describe('the report preview', () => {
  it('shows the totals and every table, in order, without ids', () => {
    const tables = previewTables(APPOINTMENTS);
    expect(tables.map((table) => table.title)).toEqual(['Totals', 'By status', 'By doctor']);
    expect(tables[0]!.rows).toEqual([APPOINTMENTS['totals']]);
    expect(tables[2]!.columns.map((column) => column.label)).toEqual([
      'Doctor name',
      'Department name',
      'Appointments',
    ]);
    expect(tables[2]!.columns.map((column) => column.numeric)).toEqual([false, false, true]);
  });

  it('labels and formats figures as people read them', () => {
    expect(labelOf('noShowRate')).toBe('No-show rate');
    expect(labelOf('revenueByPeriod')).toBe('Revenue by period');
    expect(labelOf('outstandingCents')).toBe('Outstanding');
    expect(formatCell('revenueCents', 123_456)).toBe('1,234.56');
    expect(formatCell('noShowRate', 0.0833)).toBe('8.3 %');
    expect(formatCell('appointments', 12_345)).toBe('12,345');
    expect(formatCell('departmentName', null)).toBe('—');
  });

  it("charts each report's main table, money in whole units", () => {
    const chart = reportChart('appointments', APPOINTMENTS);
    expect(chart.points).toEqual([
      { label: 'checked in', value: 3 },
      { label: 'no show', value: 1 },
    ]);
    expect(chartSummary(chart)).toBe('Appointments: checked in 3, no show 1.');
    const finance = reportChart('finance', {
      report: 'finance',
      ...HEADING,
      revenueByPeriod: [
        { period: '2025-02', revenueCents: 1_234_560 },
        { period: '2025-03', revenueCents: 50 },
      ],
    });
    expect(finance.series).toBe('Revenue (whole units)');
    expect(finance.points).toEqual([
      { label: '2025-02', value: 12_346 },
      { label: '2025-03', value: 1 },
    ]);
    expect(chartSummary(reportChart('patients', { report: 'patients', ...HEADING, byMonth: [] }))).toBe(
      'Nothing to chart for this period.',
    );
  });
});
