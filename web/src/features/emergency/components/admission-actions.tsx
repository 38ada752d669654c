import { Button, Group, Modal, Select, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent, type ReactNode } from 'react';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { isApiError } from '@/lib/api-client';
import { humanise } from '@/lib/format';
import {
  DISCHARGE_DISPOSITIONS,
  useDischarge,
  useIdentify,
  type Admission,
  type DischargeDisposition,
} from '../api/admissions';
import { PatientPicker } from './patient-picker';
import { describePatient } from './triage';

const DISPOSITION_OPTIONS = DISCHARGE_DISPOSITIONS.map((value) => ({
  value,
  label: value === 'against_medical_advice' ? 'Against medical advice' : humanise(value),
}));

export function DischargeModal({
  admission,
  onClose,
}: {
  admission: Admission;
  onClose: () => void;
}): ReactNode {
  const discharge = useDischarge();
  const [disposition, setDisposition] = useState<DischargeDisposition>('home');
  const [note, setNote] = useState('');
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    try {
      await discharge.mutateAsync({
        admission,
        input: { disposition, ...(note.trim() ? { note: note.trim() } : {}) },
      });
      notifications.show({
        color: 'green',
        title: 'Discharged',
        message: `${describePatient(admission.patient)} is off the board.`,
      });
      onClose();
    } catch (error) {
      if (!isApiError(error)) throw error;
    }
  };
  const stale = isApiError(discharge.error, 412);
  return (
    <Modal opened onClose={onClose} title={`Discharge ${describePatient(admission.patient)}`}>
      <form onSubmit={(event) => void submit(event)} noValidate aria-label="Discharge">
        {stale ? (
          <ProblemAlert
            error={discharge.error}
            title="Someone else changed this admission; the board has been refreshed. Check it and try again."
          />
        ) : (
          <ProblemAlert error={discharge.error} title="The patient was not discharged" />
        )}
        <Select
          label="Outcome"
          data={DISPOSITION_OPTIONS}
          value={disposition}
          onChange={(value) => setDisposition(value ?? 'home')}
          allowDeselect={false}
          mb="sm"
        />
        <Textarea
          label="Note"
          description="Optional"
          autosize
          minRows={2}
          maxLength={2000}
          value={note}
          onChange={(event) => setNote(event.currentTarget.value)}
        />
        <Group mt="md" gap="sm">
          <Button type="submit" color="red" loading={discharge.isPending} disabled={stale}>
            Discharge
          </Button>
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
        </Group>
      </form>
    </Modal>
  );
}

export function IdentifyModal({
  admission,
  onClose,
}: {
  admission: Admission;
  onClose: () => void;
}): ReactNode {
  const identify = useIdentify();
  const [patientId, setPatientId] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (!patientId) {
      setError('Find and choose the registered patient.');
      return;
    }
    try {
      await identify.mutateAsync({ admission, patientId });
      notifications.show({
        color: 'green',
        title: 'Identified',
        message: 'The temporary record was merged into the patient’s record.',
      });
      onClose();
    } catch (failure) {
      if (!isApiError(failure)) throw failure;
    }
  };
  return (
    <Modal opened onClose={onClose} title={`Identify ${admission.patient.name}`}>
      <form onSubmit={(event) => void submit(event)} noValidate aria-label="Identify patient">
        <ProblemAlert error={identify.error} title="The patient was not identified" />
        <Text size="sm" mb="sm">
          Choose the registered patient this is. What was recorded under the temporary record{' '}
          {admission.patient.mrn} moves to theirs. Register them first if they are new.
        </Text>
        <PatientPicker
          value={patientId}
          onChange={(value) => {
            setPatientId(value);
            setError(undefined);
          }}
          error={error}
        />
        <Group mt="md" gap="sm">
          <Button type="submit" loading={identify.isPending}>
            Identify
          </Button>
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
        </Group>
      </form>
    </Modal>
  );
}
