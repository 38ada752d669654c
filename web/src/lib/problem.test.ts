import { describe, expect, it } from 'vitest';
import { fieldErrorsOf, formProblem, toProblem } from './problem';

describe('problem+json in the browser', () => {
  it('reads the server problem with its code and field errors', () => {
    const problem = toProblem(
      {
        title: 'Invalid request',
        status: 400,
        detail: 'The request has 1 invalid field(s).',
        code: 'MFA_REQUIRED',
        errors: [{ field: 'dateOfBirth', message: 'must be a valid date' }, { nonsense: true }],
      },
      400,
    );
    expect(problem).toMatchObject({ status: 400, code: 'MFA_REQUIRED' });
    expect(problem.errors).toEqual([{ field: 'dateOfBirth', message: 'must be a valid date' }]);
  });

  it('turns a body that is not a problem into a message a person can act on', () => {
    expect(toProblem('<html>Bad gateway</html>', 502, 'Bad Gateway').detail).toMatch(/Try again/);
    expect(toProblem(null, 404, 'Not Found').detail).toBe('The request failed (404 Not Found).');
  });

  it('keys field errors by form field, first message first, as sentences', () => {
    const problem = toProblem(
      {
        title: 'Invalid request',
        status: 400,
        detail: 'x',
        errors: [
          { field: 'body.email', message: 'must be a valid email' },
          { field: 'email', message: 'second message' },
          { field: 'vitals.pulseBpm', message: 'must be <= 300' },
        ],
      },
      400,
    );
    expect(fieldErrorsOf(problem)).toEqual({
      email: 'Must be a valid email.',
      'vitals.pulseBpm': 'Must be <= 300.',
    });
  });

  it('shows an alert above the form unless every error found a field of the form', () => {
    const problem = toProblem(
      { title: 'x', status: 400, detail: 'x', errors: [{ field: 'name', message: 'is required' }] },
      400,
    );
    expect(formProblem(problem, ['name'])).toEqual({
      fieldErrors: { name: 'Is required.' },
      showAlert: false,
    });
    expect(formProblem(problem, ['email']).showAlert).toBe(true);
    expect(
      formProblem(toProblem({ title: 'Conflict', status: 409, detail: 'taken' }, 409), ['name']).showAlert,
    ).toBe(true);
    expect(formProblem(undefined, ['name']).showAlert).toBe(false);
  });
});
