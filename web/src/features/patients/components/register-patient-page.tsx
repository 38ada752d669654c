import { Button, Group, Paper } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { PageHeader } from '@/components/ui/page-header';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { isApiError, newIdempotencyKey } from '@/lib/api-client';
import { localToday } from '@/lib/format';
import { formProblem } from '@/lib/problem';
import { useRegisterPatient } from '../api/patients';
import { EMPTY_PATIENT_FORM, PATIENT_FIELDS, registerInputFrom, validatePatientForm } from './patient-form';
import { PatientFormFields } from './patient-form-fields';

/** What the patient page shows after a registration: the new record and its likely duplicates. */
export interface RegisteredState {
  readonly registered: true;
  readonly warnings: readonly {
    message: string;
    patients: { id: string; name: string; mrn: string; dateOfBirth: string }[];
  }[];
}

export function RegisterPatientPage(): ReactNode {
  const navigate = useNavigate();
  // One key per form: a retried or double-clicked submission registers the patient once.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const register = useRegisterPatient(idempotencyKey);
  const form = useForm({
    mode: 'controlled',
    initialValues: EMPTY_PATIENT_FORM,
    validate: (values) => validatePatientForm(values, localToday()),
  });

  const submit = form.onSubmit(async (values) => {
    try {
      const patient = await register.mutateAsync(registerInputFrom(values));
      const state: RegisteredState = { registered: true, warnings: patient.warnings };
      void navigate(`/patients/${patient.id}`, { state });
    } catch (error) {
      if (isApiError(error)) form.setErrors(formProblem(error.problem, PATIENT_FIELDS).fieldErrors);
    }
  });

  const { showAlert } = formProblem(register.error?.problem, PATIENT_FIELDS);
  return (
    <>
      <PageHeader title="Register a patient" description="Fields marked * are required." />
      {showAlert ? <ProblemAlert error={register.error} title="The patient was not registered" /> : null}
      <Paper
        withBorder
        p="lg"
        radius="md"
        component="form"
        onSubmit={submit}
        noValidate
        aria-label="New patient"
      >
        <PatientFormFields form={form} />
        <Group mt="lg" gap="sm">
          <Button type="submit" loading={register.isPending}>
            Register patient
          </Button>
          <Button component={Link} to="/patients" variant="default">
            Cancel
          </Button>
        </Group>
      </Paper>
    </>
  );
}
