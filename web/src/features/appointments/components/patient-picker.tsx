import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState, type ReactNode } from 'react';
import { IconSearch } from '@/components/ui/icons';
import { formatDate } from '@/lib/format';
import { usePatientOptions, type PatientOption } from '../api/appointments';

function optionLabel(patient: PatientOption): string {
  return `${patient.name} · ${patient.mrn} · born ${formatDate(patient.dateOfBirth)}`;
}

/** Choose a patient by part of the name, the MRN or the phone number (searched on the server). */
export function PatientPicker({
  value,
  onChange,
  error,
}: {
  value: PatientOption | undefined;
  onChange: (patient: PatientOption | undefined) => void;
  error?: string | undefined;
}): ReactNode {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const typed = value && search === optionLabel(value) ? '' : debounced;
  const options = usePatientOptions(typed);
  const found = options.data?.items ?? [];
  const known = value && !found.some((patient) => patient.id === value.id) ? [value, ...found] : found;
  return (
    <Select
      label="Patient"
      description="Type part of the name, the MRN or the phone number."
      placeholder="Search patients"
      required
      searchable
      data-autofocus
      leftSection={<IconSearch size={16} aria-hidden />}
      searchValue={search}
      onSearchChange={setSearch}
      // The server has matched already (by name, MRN or phone); the label alone would hide some.
      filter={({ options: all }) => all}
      data={known.map((patient) => ({ value: patient.id, label: optionLabel(patient) }))}
      value={value?.id ?? null}
      onChange={(id) => onChange(known.find((patient) => patient.id === id))}
      nothingFoundMessage={
        typed.trim().length < 2
          ? 'Type at least 2 characters.'
          : options.isFetching
            ? 'Searching…'
            : 'No patient matches.'
      }
      error={error}
    />
  );
}
