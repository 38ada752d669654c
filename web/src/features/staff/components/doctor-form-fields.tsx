import { Select, Textarea, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import type { ReactNode } from 'react';
import { useAllDepartments } from '../api/departments';
import { DOCTOR_LABELS, type DoctorFormValues } from './doctor-form';
import classes from './staff.module.css';

/** The department picker: departments in service, by name and code. */
export function useDepartmentOptions(): { value: string; label: string }[] {
  const departments = useAllDepartments();
  return (departments.data?.items ?? []).map((department) => ({
    value: department.id,
    label: `${department.name} (${department.code})`,
  }));
}

/** The fields of a doctor's profile, for registering and editing. */
export function DoctorFormFields({ form }: { form: UseFormReturnType<DoctorFormValues> }): ReactNode {
  const departmentOptions = useDepartmentOptions();
  return (
    <div className={classes.formGrid}>
      <TextInput
        label={DOCTOR_LABELS.name}
        required
        autoComplete="off"
        className={classes.wide}
        {...form.getInputProps('name')}
      />
      <TextInput
        label={DOCTOR_LABELS.licenseNumber}
        required
        autoComplete="off"
        {...form.getInputProps('licenseNumber')}
      />
      <TextInput
        label={DOCTOR_LABELS.specialization}
        required
        autoComplete="off"
        {...form.getInputProps('specialization')}
      />
      <Select
        label={DOCTOR_LABELS.departmentId}
        required
        searchable
        data={departmentOptions}
        placeholder="Choose"
        nothingFoundMessage="No department matches"
        allowDeselect={false}
        {...form.getInputProps('departmentId')}
      />
      <TextInput
        label={DOCTOR_LABELS.slotMinutes}
        type="number"
        min={5}
        max={480}
        {...form.getInputProps('slotMinutes')}
      />
      <TextInput label={DOCTOR_LABELS.phone} type="tel" autoComplete="off" {...form.getInputProps('phone')} />
      <TextInput
        label={DOCTOR_LABELS.email}
        type="email"
        autoComplete="off"
        {...form.getInputProps('email')}
      />
      <Textarea
        label={DOCTOR_LABELS.qualifications}
        autosize
        minRows={2}
        className={classes.wide}
        {...form.getInputProps('qualifications')}
      />
    </div>
  );
}
