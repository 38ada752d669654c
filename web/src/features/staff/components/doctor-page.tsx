import { Stack } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { useParams } from 'react-router';
import { PageLoader } from '@/components/ui/page-loader';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { RecordHeader } from '@/components/ui/record-header';
import { useDoctor } from '../api/doctors';
import { DoctorProfilePanel } from './doctor-profile-panel';
import { ExceptionsPanel } from './exceptions-panel';
import { WorkingHoursPanel } from './working-hours-panel';
import classes from './staff.module.css';

/** One doctor: profile, weekly working hours, and leave or changed hours on given dates. */
export function DoctorPage(): ReactNode {
  const { doctorId = '' } = useParams();
  const record = useDoctor(doctorId);
  useDocumentTitle(record.data ? `${record.data.doctor.name} · MediSys` : 'Doctor · MediSys');

  if (record.isPending) return <PageLoader label="Loading the doctor" />;
  if (record.isError) {
    return (
      <ProblemAlert
        error={record.error}
        title="The doctor could not be opened"
        onRetry={() => void record.refetch()}
      />
    );
  }
  const { doctor } = record.data;
  return (
    <>
      <RecordHeader
        listLabel="Doctors"
        listPath="/doctors"
        name={doctor.name}
        archived={doctor.archived}
        description={`${doctor.specialization} · licence ${doctor.licenseNumber}`}
      />
      <Stack gap="md">
        <DoctorProfilePanel record={record.data} />
        <div className={classes.columns}>
          <WorkingHoursPanel doctorId={doctor.id} archived={doctor.archived} />
          <ExceptionsPanel doctorId={doctor.id} archived={doctor.archived} />
        </div>
      </Stack>
    </>
  );
}
