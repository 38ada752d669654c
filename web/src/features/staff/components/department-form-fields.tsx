import { Select, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import type { ReactNode } from 'react';
import { DEPARTMENT_LABELS, type DepartmentFormValues } from './department-form';
import classes from './staff.module.css';

/**
 * The fields of a department. `headDoctorOptions` are the doctors who may head it (those of the
 * department); a new department has none yet, so the field is left out.
 */
export function DepartmentFormFields({
  form,
  headDoctorOptions,
}: {
  form: UseFormReturnType<DepartmentFormValues>;
  headDoctorOptions?: { value: string; label: string }[];
}): ReactNode {
  return (
    <div className={classes.formGrid}>
      <TextInput label={DEPARTMENT_LABELS.name} required autoComplete="off" {...form.getInputProps('name')} />
      <TextInput
        label={DEPARTMENT_LABELS.code}
        description="Short and unique, such as CARD"
        required
        autoComplete="off"
        {...form.getInputProps('code')}
      />
      {headDoctorOptions ? (
        <Select
          label={DEPARTMENT_LABELS.headDoctorId}
          data={headDoctorOptions}
          placeholder="No head"
          searchable
          clearable
          {...form.getInputProps('headDoctorId')}
          onChange={(value: string | null) => form.setFieldValue('headDoctorId', value ?? '')}
        />
      ) : null}
      <TextInput label={DEPARTMENT_LABELS.location} autoComplete="off" {...form.getInputProps('location')} />
      <TextInput label={DEPARTMENT_LABELS.floor} autoComplete="off" {...form.getInputProps('floor')} />
      <TextInput
        label={DEPARTMENT_LABELS.phone}
        type="tel"
        autoComplete="off"
        {...form.getInputProps('phone')}
      />
      <TextInput
        label={DEPARTMENT_LABELS.email}
        type="email"
        autoComplete="off"
        {...form.getInputProps('email')}
      />
      <TextInput
        label={DEPARTMENT_LABELS.operatingHours}
        placeholder="Mon–Fri 08:00–18:00"
        autoComplete="off"
        className={classes.wide}
        {...form.getInputProps('operatingHours')}
      />
    </div>
  );
}
