import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState, type ReactNode } from 'react';
import { formatDate } from '@/lib/format';
import { usePatientChoices } from '../api/admissions';

/** A registered patient, searched on the server by name, MRN or phone as the user types. */
export function PatientPicker({
  value,
  onChange,
  error,
}: {
  value: string;
  onChange: (patientId: string) => void;
  error?: ReactNode;
}): ReactNode {
  const [typed, setTyped] = useState('');
  const [q] = useDebouncedValue(typed.trim(), 250);
  const choices = usePatientChoices(q);
  return (
    <Select
      label="Patient"
      required
      searchable
      placeholder="Name, MRN or phone"
      data={(choices.data?.items ?? []).map((patient) => ({
        value: patient.id,
        label: `${patient.name} · ${patient.mrn} · born ${formatDate(patient.dateOfBirth)}`,
      }))}
      value={value || null}
      onChange={(next) => onChange(next ?? '')}
      searchValue={typed}
      onSearchChange={setTyped}
      filter={({ options }) => options}
      nothingFoundMessage={q.length < 2 ? 'Type at least 2 characters' : 'No patient matches'}
      error={error}
    />
  );
}
