import {
  Anchor,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Select,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { RemovableList } from '@/components/ui/removable-list';
import { isApiError } from '@/lib/api-client';
import { formatDate } from '@/lib/format';
import { useCan } from '@/lib/session';
import { useAssignStaff, useDepartmentStaff, useRemoveStaff, useUserChoices } from '../api/departments';
import { useDoctorSearch } from '../api/doctors';
import classes from './staff.module.css';

type Kind = 'doctor' | 'user';

function AssignStaffForm({ departmentId }: { departmentId: string }): ReactNode {
  const assign = useAssignStaff(departmentId);
  const [kind, setKind] = useState<Kind>('doctor');
  const [typed, setTyped] = useState('');
  const [q] = useDebouncedValue(typed.trim(), 250);
  const [personId, setPersonId] = useState<string | null>(null);
  const [position, setPosition] = useState('');
  const [errors, setErrors] = useState<{ person?: string; position?: string }>({});
  const doctors = useDoctorSearch(
    { ...(q ? { q } : {}), limit: 20, offset: 0 },
    { enabled: kind === 'doctor' },
  );
  const users = useUserChoices(q, kind === 'user');
  const options =
    kind === 'doctor'
      ? (doctors.data?.items ?? []).map((doctor) => ({
          value: doctor.id,
          label: `${doctor.name} · ${doctor.specialization}`,
        }))
      : (users.data?.items ?? []).map((user) => ({
          value: user.id,
          label: user.displayName ? `${user.displayName} (${user.username})` : user.username,
        }));

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const problems: { person?: string; position?: string } = {};
    if (!personId) problems.person = kind === 'doctor' ? 'Choose the doctor.' : 'Choose the user.';
    if (!position.trim()) problems.position = 'Enter the position, such as “consultant”.';
    setErrors(problems);
    if (!personId || Object.keys(problems).length > 0) return;
    try {
      await assign.mutateAsync(
        kind === 'doctor'
          ? { doctorId: personId, position: position.trim() }
          : { userId: personId, position: position.trim() },
      );
      notifications.show({ color: 'green', title: 'Assigned', message: 'The staff list is up to date.' });
      setPersonId(null);
      setTyped('');
      setPosition('');
      assign.reset();
    } catch (error) {
      if (!isApiError(error)) throw error;
    }
  };

  return (
    <form onSubmit={(event) => void submit(event)} noValidate aria-label="Assign staff">
      <ProblemAlert error={assign.error} title="The assignment was not made" />
      <SegmentedControl
        mb="sm"
        value={kind}
        onChange={(value) => {
          setKind(value);
          setPersonId(null);
          setTyped('');
        }}
        data={[
          { value: 'doctor', label: 'A doctor' },
          { value: 'user', label: 'A user account' },
        ]}
        aria-label="Who to assign"
      />
      <div className={classes.formGrid}>
        <Select
          label={kind === 'doctor' ? 'Doctor' : 'User'}
          required
          searchable
          data={options}
          value={personId}
          onChange={setPersonId}
          searchValue={typed}
          onSearchChange={setTyped}
          filter={({ options: all }) => all}
          nothingFoundMessage={kind === 'doctor' ? 'No doctor matches' : 'No user matches'}
          placeholder="Type to search"
          error={errors.person}
        />
        <TextInput
          label="Position"
          required
          placeholder="Consultant, charge nurse…"
          value={position}
          onChange={(event) => setPosition(event.currentTarget.value)}
          error={errors.position}
        />
      </div>
      <Button type="submit" mt="md" loading={assign.isPending}>
        Assign to the department
      </Button>
    </form>
  );
}

/** Who works in the department and as what; administrators assign and remove people. */
export function DepartmentStaffPanel({
  departmentId,
  archived,
}: {
  departmentId: string;
  archived: boolean;
}): ReactNode {
  const staff = useDepartmentStaff(departmentId);
  const remove = useRemoveStaff(departmentId);
  const canEdit = useCan('departments:write') && !archived;
  return (
    <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="staff-heading">
      <Title order={2} size="h3" mb="md" id="staff-heading">
        Staff
      </Title>
      <RemovableList
        query={staff}
        remove={remove}
        canRemove={canEdit}
        loadingLabel="Loading the staff"
        removeErrorTitle="The assignment was not removed"
        empty="Nobody is assigned yet."
        testId="department-staff"
        head={
          <>
            <Table.Th>Name</Table.Th>
            <Table.Th>Position</Table.Th>
            <Table.Th>Since</Table.Th>
          </>
        }
        cells={(member) => (
          <>
            <Table.Td>
              {member.doctorId ? (
                <Anchor component={Link} to={`/doctors/${member.doctorId}`}>
                  {member.displayName}
                </Anchor>
              ) : (
                member.displayName
              )}
              <Text span size="xs" c="dimmed">
                {member.doctorId ? ' · doctor' : ' · user'}
              </Text>
            </Table.Td>
            <Table.Td>{member.position}</Table.Td>
            <Table.Td>{formatDate(member.createdAt)}</Table.Td>
          </>
        )}
        removeLabel={(member) => `Remove ${member.displayName} from the department`}
      />
      {canEdit ? (
        <Paper withBorder p="md" mt="md" radius="sm">
          <Group mb="xs">
            <Title order={3} size="h5">
              Assign staff
            </Title>
          </Group>
          <AssignStaffForm departmentId={departmentId} />
        </Paper>
      ) : null}
    </Paper>
  );
}
