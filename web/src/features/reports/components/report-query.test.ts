import { describe, expect, it } from 'vitest';
import { REPORT_NAMES } from '../../../../../src/modules/reports/report-model';
import {
  defaultFilters,
  filterProblems,
  REPORT_CATALOGUE,
  reportQuery,
  reportsFor,
  reportUrl,
} from './report-query';

const DEPARTMENT = '5f0c4d2a-8b1e-4c3d-9e2f-1a2b3c4d5e6f';

describe('the report filters', () => {
  it('lists every report the server has, the finance report included', () => {
    expect(REPORT_CATALOGUE.map((report) => report.name).sort()).toEqual([...REPORT_NAMES, 'finance'].sort());
  });

  it('offers each role the reports the server lets it read', () => {
    expect(reportsFor('finance').map((report) => report.name)).toContain('finance');
    expect(reportsFor('department_head').map((report) => report.name)).not.toContain('finance');
    expect(reportsFor('doctor').map((report) => report.name)).toEqual(['doctor-performance']);
    expect(reportsFor('staff')).toEqual([]);
  });

  it('defaults to this month up to today', () => {
    expect(defaultFilters('patients', '2025-03-17')).toMatchObject({ from: '2025-03-01', to: '2025-03-17' });
  });

  it('turns the filters into the query string, with groupBy for the finance report only', () => {
    const filters = { ...defaultFilters('finance', '2025-03-17'), groupBy: 'day' as const };
    expect(reportUrl(filters, 'json')).toBe(
      '/api/v1/reports/finance?from=2025-03-01&to=2025-03-17&groupBy=day',
    );
    expect(reportUrl({ ...filters, departmentId: DEPARTMENT }, 'csv')).toBe(
      `/api/v1/reports/finance?from=2025-03-01&to=2025-03-17&departmentId=${DEPARTMENT}&groupBy=day&format=csv`,
    );
    expect(reportQuery({ ...filters, report: 'appointments' }, 'pdf')).toEqual({
      from: '2025-03-01',
      to: '2025-03-17',
      format: 'pdf',
    });
  });

  it('refuses a period that ends before it starts, a bad day, and a department head without a department', () => {
    const filters = defaultFilters('patients', '2025-03-17');
    expect(filterProblems(filters, 'finance')).toEqual({});
    expect(filterProblems({ ...filters, from: '2025-04-01' }, 'finance')).toEqual({
      to: 'The period ends before it starts.',
    });
    expect(filterProblems({ ...filters, from: '2025-13-01', to: '' }, 'admin')).toEqual({
      from: 'Enter the first day.',
      to: 'Enter the last day.',
    });
    expect(filterProblems(filters, 'department_head')).toEqual({ departmentId: 'Choose your department.' });
    expect(filterProblems({ ...filters, departmentId: DEPARTMENT }, 'department_head')).toEqual({});
  });
});
