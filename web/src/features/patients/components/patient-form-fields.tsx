import { Fieldset, Select, Textarea, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import type { ReactNode } from 'react';
import { localToday } from '@/lib/format';
import { FIELD_LABELS, type PatientFormValues } from './patient-form';
import classes from './patient-form.module.css';

const SEX_OPTIONS = [
  { value: 'female', label: 'Female' },
  { value: 'male', label: 'Male' },
  { value: 'other', label: 'Other' },
  { value: 'unknown', label: 'Unknown' },
];

/** The demographic fields of registration and editing, grouped as on the paper form. */
export function PatientFormFields({ form }: { form: UseFormReturnType<PatientFormValues> }): ReactNode {
  return (
    <div className={classes.groups}>
      <Fieldset legend="Identity">
        <div className={classes.grid}>
          <TextInput
            label={FIELD_LABELS.name}
            description="As on the identity document"
            required
            autoComplete="off"
            className={classes.wide}
            {...form.getInputProps('name')}
          />
          <TextInput
            label={FIELD_LABELS.dateOfBirth}
            type="date"
            required
            max={localToday()}
            {...form.getInputProps('dateOfBirth')}
          />
          <Select
            label={FIELD_LABELS.sex}
            data={SEX_OPTIONS}
            placeholder="Choose"
            allowDeselect={false}
            {...form.getInputProps('sex')}
          />
        </div>
      </Fieldset>
      <Fieldset legend="Contact">
        <div className={classes.grid}>
          <TextInput
            label={FIELD_LABELS.phone}
            type="tel"
            autoComplete="off"
            {...form.getInputProps('phone')}
          />
          <TextInput
            label={FIELD_LABELS.email}
            type="email"
            autoComplete="off"
            {...form.getInputProps('email')}
          />
          <Textarea
            label={FIELD_LABELS.address}
            autosize
            minRows={2}
            className={classes.wide}
            {...form.getInputProps('address')}
          />
        </div>
      </Fieldset>
      <Fieldset legend="Emergency contact">
        <div className={classes.grid}>
          <TextInput
            label={FIELD_LABELS.emergencyContactName}
            autoComplete="off"
            {...form.getInputProps('emergencyContactName')}
          />
          <TextInput
            label={FIELD_LABELS.emergencyContactPhone}
            type="tel"
            autoComplete="off"
            {...form.getInputProps('emergencyContactPhone')}
          />
        </div>
      </Fieldset>
      <Fieldset legend="Insurance">
        <div className={classes.grid}>
          <TextInput
            label={FIELD_LABELS.insuranceProvider}
            autoComplete="off"
            {...form.getInputProps('insuranceProvider')}
          />
          <TextInput
            label={FIELD_LABELS.insuranceNumber}
            autoComplete="off"
            {...form.getInputProps('insuranceNumber')}
          />
        </div>
      </Fieldset>
    </div>
  );
}
