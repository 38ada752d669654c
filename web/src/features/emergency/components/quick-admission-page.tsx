import { Button, Group, Input, Paper, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { PageHeader } from '@/components/ui/page-header';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { isApiError, newIdempotencyKey } from '@/lib/api-client';
import { formProblem } from '@/lib/problem';
import { useAdmit, useDepartmentChoices } from '../api/admissions';
import { PatientPicker } from './patient-picker';
import {
  admitInputFrom,
  quickAdmissionDefaults,
  validateQuickAdmission,
  type QuickAdmissionValues,
} from './quick-admission';
import { TRIAGE_LEVELS } from './triage';
import classes from './emergency.module.css';

/** The department chosen last at this workstation: most desks admit to the same one all shift. */
const LAST_DEPARTMENT_KEY = 'medisys:emergency-department';

function lastDepartment(): string {
  try {
    return window.localStorage.getItem(LAST_DEPARTMENT_KEY) ?? '';
  } catch {
    return '';
  }
}

function rememberDepartment(departmentId: string): void {
  try {
    if (departmentId) window.localStorage.setItem(LAST_DEPARTMENT_KEY, departmentId);
    else window.localStorage.removeItem(LAST_DEPARTMENT_KEY);
  } catch {
    // Private windows may refuse storage; the default is only a convenience.
  }
}

const FORM_FIELDS = [
  'patientId',
  'unidentifiedPatient',
  'estimatedAgeYears',
  'triagePriority',
  'chiefComplaint',
  'departmentId',
] as const;

/** What the board shows after an admission: which row is new. */
export interface AdmittedState {
  readonly admittedId: string;
}

/** An emergency admission in a few keystrokes: complaint, triage level, who (or an estimate), department. */
export function QuickAdmissionPage(): ReactNode {
  const navigate = useNavigate();
  const [idempotencyKey] = useState(newIdempotencyKey);
  const admit = useAdmit(idempotencyKey);
  const departments = useDepartmentChoices();
  const form = useForm<QuickAdmissionValues>({
    mode: 'controlled',
    initialValues: quickAdmissionDefaults(lastDepartment()),
    validate: validateQuickAdmission,
  });
  const values = form.getValues();

  const submit = form.onSubmit(async (submitted) => {
    try {
      const admission = await admit.mutateAsync(admitInputFrom(submitted));
      rememberDepartment(submitted.departmentId);
      const state: AdmittedState = { admittedId: admission.id };
      void navigate('/emergency', { state });
    } catch (error) {
      if (!isApiError(error)) return;
      const { fieldErrors } = formProblem(error.problem, FORM_FIELDS);
      const { unidentifiedPatient, ...rest } = fieldErrors;
      form.setErrors(unidentifiedPatient ? { ...rest, estimatedAgeYears: unidentifiedPatient } : rest);
    }
  });

  const { showAlert } = formProblem(admit.error?.problem, FORM_FIELDS);
  return (
    <>
      <PageHeader
        title="Emergency admission"
        description="Admit now, complete later: an unknown patient can be named from the board."
      />
      {showAlert ? <ProblemAlert error={admit.error} title="The patient was not admitted" /> : null}
      <Paper
        withBorder
        p="lg"
        radius="md"
        component="form"
        onSubmit={submit}
        noValidate
        aria-label="Quick admission"
        maw={760}
      >
        <Stack gap="md">
          <TextInput
            label="Chief complaint"
            description="Why the patient came, in a few words"
            required
            autoFocus
            autoComplete="off"
            {...form.getInputProps('chiefComplaint')}
          />
          <Input.Wrapper
            label="Triage level"
            description="Emergency Severity Index: 1 is the most urgent"
            required
            error={form.errors['triagePriority']}
            id="triage-level"
            labelElement="div"
          >
            <SegmentedControl
              fullWidth
              className={classes.segments}
              aria-labelledby="triage-level-label"
              data={TRIAGE_LEVELS.map((level) => ({
                value: String(level.level),
                label: `${level.level} · ${level.label}`,
              }))}
              {...form.getInputProps('triagePriority')}
            />
          </Input.Wrapper>
          <SegmentedControl
            aria-label="Patient"
            data={[
              { value: 'unidentified', label: 'Unknown patient' },
              { value: 'registered', label: 'Registered patient' },
            ]}
            {...form.getInputProps('who')}
          />
          {values.who === 'registered' ? (
            <PatientPicker
              value={values.patientId}
              onChange={(patientId) => form.setFieldValue('patientId', patientId)}
              error={form.errors['patientId']}
            />
          ) : (
            <Group align="flex-start" gap="md" wrap="wrap">
              <TextInput
                label="Estimated age (years)"
                required
                inputMode="numeric"
                autoComplete="off"
                w={200}
                {...form.getInputProps('estimatedAgeYears')}
              />
              <Input.Wrapper label="Sex" id="unidentified-sex" labelElement="div">
                <SegmentedControl
                  display="flex"
                  aria-labelledby="unidentified-sex-label"
                  data={[
                    { value: 'unknown', label: 'Unknown' },
                    { value: 'female', label: 'Female' },
                    { value: 'male', label: 'Male' },
                    { value: 'other', label: 'Other' },
                  ]}
                  value={values.sex}
                  onChange={(sex) => form.setFieldValue('sex', sex)}
                />
              </Input.Wrapper>
            </Group>
          )}
          <Select
            label="Department"
            description="Remembered for the next admission at this workstation"
            placeholder="Not yet assigned"
            data={(departments.data?.items ?? []).map((department) => ({
              value: department.id,
              label: `${department.name} (${department.code})`,
            }))}
            searchable
            clearable
            {...form.getInputProps('departmentId')}
            value={values.departmentId || null}
            onChange={(departmentId: string | null) => form.setFieldValue('departmentId', departmentId ?? '')}
          />
          <Text size="sm" c="dimmed">
            Arrival is recorded as now.
          </Text>
          <Group gap="sm">
            <Button type="submit" size="md" loading={admit.isPending}>
              Admit patient
            </Button>
            <Button component={Link} to="/emergency" variant="default" size="md">
              Cancel
            </Button>
          </Group>
        </Stack>
      </Paper>
    </>
  );
}
