import { Alert, Anchor, Avatar, Badge, Group, List, Stack, Tabs, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { PageLoader } from '@/components/ui/page-loader';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { ageInYears, formatDate, humanise, localToday } from '@/lib/format';
import { useCan, useSession } from '@/lib/session';
import { useDocuments, photoUrl } from '../api/documents';
import { usePatient, type Patient } from '../api/patients';
import { AdmissionsPanel, AppointmentsPanel, InvoicesPanel } from './care-panels';
import { DemographicsPanel } from './demographics-panel';
import { DocumentsPanel } from './documents-panel';
import { HistoryPanel } from './history-panel';
import type { RegisteredState } from './register-patient-page';

interface TabDefinition {
  readonly value: string;
  readonly label: string;
  readonly permission: string;
}

const TABS: readonly TabDefinition[] = [
  { value: 'details', label: 'Details', permission: 'patients:read' },
  { value: 'history', label: 'Medical history', permission: 'history:read' },
  { value: 'documents', label: 'Documents', permission: 'documents:read' },
  { value: 'appointments', label: 'Appointments', permission: 'appointments:read' },
  { value: 'admissions', label: 'Admissions', permission: 'admissions:read' },
  { value: 'invoices', label: 'Invoices', permission: 'billing:read' },
];

/** Roles whose clinical reach is their own patients: a lookup outside it would be a recorded denial. */
const CARE_SCOPED_ROLES: ReadonlySet<string> = new Set(['doctor', 'department_head']);

function PatientPhoto({ patient }: { patient: Patient }): ReactNode {
  const canSeeDocuments = useCan('documents:read');
  const { user } = useSession();
  // Care-scoped roles see the photo once the Documents tab has loaded the list (from the cache).
  const documents = useDocuments(patient.id, {
    enabled: canSeeDocuments && !CARE_SCOPED_ROLES.has(user.role),
  });
  const photo = canSeeDocuments ? documents.data?.items.find((document) => document.profilePhoto) : undefined;
  return (
    <Avatar
      size={72}
      radius="md"
      color="blue"
      name={patient.name}
      src={photo ? photoUrl(patient.id, photo.id) : null}
      alt={photo ? `Photo of ${patient.name}` : ''}
    />
  );
}

function RegisteredNotice({ state }: { state: RegisteredState }): ReactNode {
  const duplicates = state.warnings.flatMap((warning) => warning.patients);
  if (duplicates.length === 0) {
    return (
      <Alert color="green" variant="light" mb="md" role="status" title="Patient registered">
        The record is saved. You can now add documents, book appointments or record history.
      </Alert>
    );
  }
  return (
    <Alert
      color="orange"
      variant="light"
      mb="md"
      role="alert"
      title="Registered — but this may be a duplicate"
    >
      <Text size="sm">
        {state.warnings[0]?.message ?? 'Similar patients are already registered.'} If one of them is the same
        person, ask an administrator to merge the records.
      </Text>
      <List size="sm" mt="xs">
        {duplicates.map((duplicate) => (
          <List.Item key={duplicate.id}>
            <Anchor component={Link} to={`/patients/${duplicate.id}`}>
              {duplicate.name}
            </Anchor>{' '}
            · MRN {duplicate.mrn} · born {formatDate(duplicate.dateOfBirth)}
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}

/** One patient: who they are, and tabs for everything recorded about them that the role may see. */
export function PatientPage(): ReactNode {
  const { patientId = '', tab } = useParams();
  const navigate = useNavigate();
  const location = useLocation();
  const record = usePatient(patientId);
  const permissions = {
    'patients:read': useCan('patients:read'),
    'history:read': useCan('history:read'),
    'documents:read': useCan('documents:read'),
    'appointments:read': useCan('appointments:read'),
    'admissions:read': useCan('admissions:read'),
    'billing:read': useCan('billing:read'),
  } as Record<string, boolean>;
  const tabs = TABS.filter((definition) => permissions[definition.permission]);
  const active = tabs.some((definition) => definition.value === tab) ? tab! : 'details';
  useDocumentTitle(record.data ? `${record.data.patient.name} · MediSys` : 'Patient · MediSys');

  if (record.isPending) return <PageLoader label="Loading the patient record" />;
  if (record.isError) {
    return (
      <ProblemAlert
        error={record.error}
        title="The patient record could not be opened"
        onRetry={() => void record.refetch()}
      />
    );
  }
  const { patient } = record.data;
  const registered = (location.state as RegisteredState | null)?.registered
    ? (location.state as RegisteredState)
    : undefined;
  return (
    <>
      {registered ? <RegisteredNotice state={registered} /> : null}
      <Group gap="md" mb="lg" align="center" wrap="nowrap">
        <PatientPhoto patient={patient} />
        <Stack gap={2}>
          <Group gap="xs">
            <Title order={1} size="h2">
              {patient.name}
            </Title>
            {patient.archived ? (
              <Badge color="gray" variant="light">
                Archived
              </Badge>
            ) : null}
            {patient.unidentified ? (
              <Badge color="orange" variant="light">
                Not yet identified
              </Badge>
            ) : null}
          </Group>
          <Text c="dimmed" size="sm">
            MRN <strong>{patient.mrn}</strong> · born {patient.dateOfBirthEstimated ? 'about ' : ''}
            {formatDate(patient.dateOfBirth)} ({ageInYears(patient.dateOfBirth, localToday()) ?? '?'} years) ·{' '}
            {humanise(patient.sex)}
          </Text>
          {patient.mergedIntoPatientId ? (
            <Text size="sm">
              This record was merged into{' '}
              <Anchor component={Link} to={`/patients/${patient.mergedIntoPatientId}`}>
                the patient&apos;s current record
              </Anchor>
              ; new entries go there.
            </Text>
          ) : null}
        </Stack>
      </Group>
      <Tabs
        value={active}
        onChange={(value) =>
          void navigate(`/patients/${patientId}${value && value !== 'details' ? `/${value}` : ''}`, {
            replace: true,
          })
        }
        keepMounted={false}
      >
        <Tabs.List mb="md">
          {tabs.map((definition) => (
            <Tabs.Tab key={definition.value} value={definition.value}>
              {definition.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="details">
          <DemographicsPanel patientId={patientId} />
        </Tabs.Panel>
        <Tabs.Panel value="history">
          <HistoryPanel patientId={patientId} />
        </Tabs.Panel>
        <Tabs.Panel value="documents">
          <DocumentsPanel patientId={patientId} />
        </Tabs.Panel>
        <Tabs.Panel value="appointments">
          <AppointmentsPanel patientId={patientId} />
        </Tabs.Panel>
        <Tabs.Panel value="admissions">
          <AdmissionsPanel patientId={patientId} />
        </Tabs.Panel>
        <Tabs.Panel value="invoices">
          <InvoicesPanel patientId={patientId} />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
