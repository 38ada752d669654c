import { describe, expect, it } from 'vitest';
import { changesDashboard } from './dashboard-freshness.js';

describe('which requests drop the cached dashboard', () => {
  it('drops it on successful writes to what it counts', () => {
    expect(changesDashboard('POST', '/api/v1/patients', 201)).toBe(true);
    expect(changesDashboard('POST', '/api/v1/patients/merges', 201)).toBe(true);
    expect(changesDashboard('PATCH', '/api/v1/appointments/:id', 200)).toBe(true);
    expect(changesDashboard('POST', '/api/v1/admissions/:id/discharge', 200)).toBe(true);
    expect(changesDashboard('POST', '/api/v1/invoices/:id/issue', 200)).toBe(true);
    expect(changesDashboard('POST', '/api/v1/payments', 201)).toBe(true);
  });

  it('keeps it on reads, refused writes, and writes to what it does not count', () => {
    expect(changesDashboard('GET', '/api/v1/patients', 200)).toBe(false);
    expect(changesDashboard('POST', '/api/v1/patients', 400)).toBe(false);
    expect(changesDashboard('POST', '/api/v1/patients', 409)).toBe(false);
    expect(changesDashboard('POST', '/api/v1/users', 201)).toBe(false);
    expect(changesDashboard('POST', '/api/v1/patientsx', 201)).toBe(false);
    expect(changesDashboard('POST', undefined, 201)).toBe(false);
  });
});
