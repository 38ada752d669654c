import { describe, expect, it } from 'vitest';
import { changesDashboard } from './dashboard-freshness.js';

describe('which requests drop the cached dashboard', () => {
  it('drops it on successful writes that can change a figure', () => {
    expect(changesDashboard('POST', '/api/v1/patients', 201)).toBe(true);
    expect(changesDashboard('POST', '/api/v1/patients/merges', 201)).toBe(true);
    expect(changesDashboard('POST', '/api/v1/appointments', 201)).toBe(true);
    expect(changesDashboard('POST', '/api/v1/appointments/:id/reschedule', 200)).toBe(true);
    expect(changesDashboard('POST', '/api/v1/admissions/:id/discharge', 200)).toBe(true);
    expect(changesDashboard('PATCH', '/api/v1/admissions/:id', 200)).toBe(true);
    expect(changesDashboard('POST', '/api/v1/invoices/:id/issue', 200)).toBe(true);
    expect(changesDashboard('POST', '/api/v1/payments', 201)).toBe(true);
    expect(changesDashboard('POST', '/api/v1/claims/:id/payment', 200)).toBe(true);
  });

  it('keeps it on reads, refused writes, and writes to what it does not count', () => {
    expect(changesDashboard('GET', '/api/v1/patients', 200)).toBe(false);
    expect(changesDashboard('POST', '/api/v1/patients', 400)).toBe(false);
    expect(changesDashboard('POST', '/api/v1/patients', 409)).toBe(false);
    expect(changesDashboard('POST', '/api/v1/users', 201)).toBe(false);
    expect(changesDashboard('POST', '/api/v1/patientsx', 201)).toBe(false);
    expect(changesDashboard('POST', undefined, 201)).toBe(false);
  });

  it('keeps it on writes under a counted path that change no figure', () => {
    expect(changesDashboard('POST', '/api/v1/patients/:id/history', 201)).toBe(false);
    expect(changesDashboard('POST', '/api/v1/patients/:id/documents', 201)).toBe(false);
    expect(changesDashboard('PUT', '/api/v1/patients/:id/photo', 201)).toBe(false);
    expect(changesDashboard('POST', '/api/v1/patients/:id/care-team', 201)).toBe(false);
    expect(changesDashboard('PATCH', '/api/v1/patients/:id', 200)).toBe(false);
    expect(changesDashboard('POST', '/api/v1/admissions/:id/transfer', 200)).toBe(false);
    expect(changesDashboard('POST', '/api/v1/invoices', 201)).toBe(false);
    expect(changesDashboard('PATCH', '/api/v1/invoices/:id', 200)).toBe(false);
    expect(changesDashboard('POST', '/api/v1/claims/:id/decision', 200)).toBe(false);
  });
});
