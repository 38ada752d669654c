import { describe, expect, it } from 'vitest';
import type { Department } from '../api/departments';
import {
  departmentChanges,
  departmentFormValues,
  EMPTY_DEPARTMENT_FORM,
  validateDepartmentForm,
} from './department-form';

const department: Department = {
  id: '00000000-0000-4000-8000-0000000000d1',
  code: 'CARD',
  name: 'Cardiology',
  headDoctorId: null,
  location: 'West wing',
  floor: null,
  phone: null,
  email: null,
  operatingHours: null,
  archived: false,
  version: 2,
  createdAt: '2024-01-01T00:00:00Z',
  updatedAt: '2024-01-01T00:00:00Z',
};

describe('the department form', () => {
  it('asks for a code the server accepts and a name', () => {
    expect(validateDepartmentForm(EMPTY_DEPARTMENT_FORM)).toEqual({
      code: 'Up to 20 letters, digits, - or _, starting with a letter or digit.',
      name: 'Enter the name.',
    });
    expect(validateDepartmentForm({ ...departmentFormValues(department), code: '-card' }).code).toBeDefined();
    expect(validateDepartmentForm({ ...departmentFormValues(department), email: 'cardio' })).toEqual({
      email: 'Enter an email address.',
    });
  });

  it('sends only what changed, comparing the code as the server stores it (upper-case)', () => {
    expect(departmentChanges(department, { ...departmentFormValues(department), code: 'card' })).toEqual({});
    expect(
      departmentChanges(department, { ...departmentFormValues(department), location: ' ', floor: '3' }),
    ).toEqual({ location: null, floor: '3' });
  });
});
