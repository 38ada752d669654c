import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { api } from '@/lib/api-client';

interface PatientOption {
  readonly id: string;
  readonly mrn: string;
  readonly name: string;
}

/**
 * Chooses a patient by name or MRN, searched on the server (GET /api/v1/patients?q=) as one types;
 * `selected` labels the current choice when it is not among the results (e.g. from the address).
 */
export function PatientPicker({
  label,
  value,
  onChange,
  selected,
  error,
  required,
  w,
}: {
  label: string;
  value: string;
  onChange: (patientId: string, patient?: PatientOption) => void;
  selected?: PatientOption | undefined;
  error?: ReactNode;
  required?: boolean;
  w?: number;
}): ReactNode {
  const [search, setSearch] = useState('');
  const [chosen, setChosen] = useState<PatientOption | undefined>(selected);
  const labelOf = (option: PatientOption): string => `${option.name} · MRN ${option.mrn}`;
  // Once a patient is chosen the box shows their label: that is not a new search.
  const typed = chosen && search === labelOf(chosen) ? '' : search.trim();
  const [debounced] = useDebouncedValue(typed, 250);
  const results = useQuery({
    queryKey: ['finance', 'patient-picker', debounced],
    queryFn: ({ signal }) =>
      api.get<{ items: PatientOption[] }>('/api/v1/patients', { q: debounced, limit: 10 }, signal),
    enabled: debounced.length >= 2,
    placeholderData: keepPreviousData,
  });
  const options = [...(results.data?.items ?? [])];
  const known = chosen?.id === value ? chosen : selected;
  if (known && known.id === value && !options.some((option) => option.id === known.id)) {
    options.unshift(known);
  }
  return (
    <Select
      label={label}
      placeholder="Type a name or MRN"
      searchable
      clearable
      required={required}
      w={w}
      value={value || null}
      error={error}
      data={options.map((option) => ({ value: option.id, label: labelOf(option) }))}
      filter={({ options: all }) => all}
      searchValue={search}
      onSearchChange={setSearch}
      nothingFoundMessage={debounced.length >= 2 ? 'No patient matches.' : 'Type at least 2 letters.'}
      onChange={(patientId) => {
        const patient = options.find((option) => option.id === patientId);
        setChosen(patient);
        onChange(patientId ?? '', patient);
      }}
    />
  );
}
