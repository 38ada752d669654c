import { describe, expect, it } from 'vitest';
import type { UserAccount } from '../api/users';
import { accessReview } from './access-review';
import { auditFiltersFrom, EMPTY_AUDIT_FORM } from './audit-filters';

describe('the audit log filters', () => {
  it('turns what was typed into the API query', () => {
    expect(auditFiltersFrom({ ...EMPTY_AUDIT_FORM, username: ' Admin ', action: 'user locked' })).toEqual({
      filters: { username: 'admin', action: 'USER_LOCKED' },
    });
  });

  it('says what is wrong with a filter instead of sending it', () => {
    expect(auditFiltersFrom({ ...EMPTY_AUDIT_FORM, patientId: '42' })).toHaveProperty('problem');
    expect(auditFiltersFrom({ ...EMPTY_AUDIT_FORM, action: 'drop table;' })).toHaveProperty('problem');
    expect(
      auditFiltersFrom({ ...EMPTY_AUDIT_FORM, from: '2024-02-01T00:00', to: '2024-01-01T00:00' }),
    ).toHaveProperty('problem');
  });
});

function account(username: string, lastLogin: string | null, active = true): UserAccount {
  return {
    id: username,
    username,
    displayName: null,
    role: 'staff',
    active,
    locked: false,
    lockedUntil: null,
    mustChangePassword: false,
    lastLogin,
    createdDate: '2023-01-01T00:00:00Z',
  };
}

describe('the access review', () => {
  it('lists active accounts by last sign-in and flags those unused for more than 90 days', () => {
    const now = new Date('2024-06-01T00:00:00Z');
    const rows = accessReview(
      [
        account('never', null),
        account('old', '2024-02-01T00:00:00Z'),
        account('recent', '2024-05-30T00:00:00Z'),
        account('disabled', '2024-05-31T00:00:00Z', false),
      ],
      now,
    );
    expect(rows.map((row) => [row.user.username, row.daysInactive, row.inactive])).toEqual([
      ['recent', 2, false],
      ['old', 121, true],
      ['never', 517, true],
    ]);
  });
});
