import { Button, Group, Paper, Switch, Text, Title } from '@mantine/core';
import { useEffect, useState, type ReactNode } from 'react';
import { EmptyState } from '@/components/ui/empty-state';
import { IconCalendarEvent } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { PageLoader } from '@/components/ui/page-loader';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { useAddressQuery } from '@/lib/address-query';
import { localToday } from '@/lib/format';
import { useCan, useSession } from '@/lib/session';
import {
  useAppointment,
  useCalendarAppointments,
  useDepartments,
  useDoctors,
  useFreeSlots,
  useWorkingHours,
  type CalendarWindow,
} from '../api/appointments';
import { AppointmentModal } from './appointment-modal';
import { BookAppointmentModal, type BookingDraft } from './book-appointment-modal';
import { timeFormValuesOf } from './booking-form';
import { buildColumns, longDayLabel, stepDate, visibleDays, windowOf, type DoctorRef } from './calendar-grid';
import { calendarStateFromSearch, searchFromCalendarState, type CalendarState } from './calendar-state';
import { CalendarToolbar, type CalendarOwnerKind } from './calendar-toolbar';
import { CalendarView } from './calendar-view';
import { browserTimeZone, isKnownTimeZone, zonedMoment } from './zoned-time';

/**
 * The appointment calendar of a doctor or a department, by day or week: booked appointments and free
 * slots side by side. A free slot opens the booking form; an appointment its details and actions.
 * The calendar's state lives in the URL (`?doctor=…&view=week&date=…&appointment=…`).
 */
export function AppointmentsPage(): ReactNode {
  const [searchParams, changeSearch] = useAddressQuery();
  const state = calendarStateFromSearch(searchParams, localToday());
  const { user } = useSession();
  const canBook = useCan('appointments:write');
  const [ownerKind, setOwnerKind] = useState<CalendarOwnerKind>(state.departmentId ? 'department' : 'doctor');
  const [showInactive, setShowInactive] = useState(false);
  const [booking, setBooking] = useState<BookingDraft | undefined>(undefined);

  /** A change of the calendar's state, or one worked out from the latest state (see useAddressQuery). */
  const update = (next: Partial<CalendarState> | ((latest: CalendarState) => Partial<CalendarState>)): void =>
    changeSearch((query) => {
      const latest = calendarStateFromSearch(query, localToday());
      return searchFromCalendarState({ ...latest, ...(typeof next === 'function' ? next(latest) : next) });
    });

  const doctors = useDoctors();
  const departments = useDepartments();
  const allDoctors = doctors.data?.items ?? [];
  const departmentDoctors = state.departmentId
    ? allDoctors.filter((doctor) => doctor.departmentId === state.departmentId)
    : [];
  const ownDoctor = allDoctors.find((doctor) => doctor.userId === user.id);

  // A doctor opening the calendar sees their own first.
  useEffect(() => {
    if (ownDoctor && !state.doctorId && !state.departmentId) update({ doctorId: ownDoctor.id });
    // Only when the doctors arrive; update() reads the current state itself.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ownDoctor?.id]);

  // Days and times are the hospital's (hospital.timezone), which working hours are given in.
  const zoneDoctorId = state.doctorId ?? departmentDoctors[0]?.id;
  const hours = useWorkingHours(zoneDoctorId);
  const zoneKnown = hours.data?.timeZone !== undefined && isKnownTimeZone(hours.data.timeZone);
  const timeZone = zoneKnown ? hours.data!.timeZone : browserTimeZone();
  const zoneSettled = zoneDoctorId === undefined || zoneKnown || hours.isError;
  const today = zonedMoment(Date.now(), timeZone).date;

  const days = visibleDays(state.view, state.date);
  const owner = state.doctorId
    ? { doctorId: state.doctorId }
    : state.departmentId
      ? { departmentId: state.departmentId }
      : undefined;
  const window: CalendarWindow | undefined =
    owner && zoneSettled ? { owner, ...windowOf(days, timeZone) } : undefined;
  const appointments = useCalendarAppointments(window);
  const slots = useFreeSlots(window);

  const departmentDay = state.departmentId !== undefined && state.view === 'day';
  const doctorRefs = (list: typeof allDoctors): DoctorRef[] =>
    list.map((doctor) => ({ doctorId: doctor.id, doctorName: doctor.name }));
  const columns = buildColumns({
    days,
    timeZone,
    appointments: appointments.data?.items ?? [],
    freeSlots: slots.data?.items ?? [],
    ...(departmentDay ? { doctorColumns: doctorRefs(departmentDoctors) } : {}),
    showInactive,
  });

  const listed = appointments.data?.items.find((appointment) => appointment.id === state.appointmentId);
  const single = useAppointment(
    state.appointmentId && !listed && (!window || appointments.isSuccess) ? state.appointmentId : undefined,
  );
  const selected = listed ?? (single.data?.id === state.appointmentId ? single.data : undefined);

  const bookingDoctors = (): DoctorRef[] => {
    if (state.doctorId) return doctorRefs(allDoctors.filter((doctor) => doctor.id === state.doctorId));
    return doctorRefs(state.departmentId ? departmentDoctors : allDoctors);
  };
  const loading = window !== undefined && (appointments.isPending || slots.isPending);
  const heading = state.view === 'day' ? longDayLabel(state.date) : `Week of ${longDayLabel(days[0]!)}`;

  return (
    <>
      <PageHeader
        title="Appointments"
        description="Choose a doctor or a department; select a free slot to book it, or an appointment to act on it."
        actions={
          canBook ? (
            <Button
              leftSection={<IconCalendarEvent size={18} aria-hidden />}
              onClick={() =>
                setBooking({
                  values: { date: state.date, startTime: '', endTime: '' },
                  doctors: bookingDoctors(),
                })
              }
            >
              Book an appointment
            </Button>
          ) : null
        }
      />
      <Paper withBorder p="md" radius="md" mb="md">
        <CalendarToolbar
          state={state}
          ownerKind={ownerKind}
          doctors={allDoctors}
          departments={departments.data?.items ?? []}
          today={today}
          onOwnerKind={(kind) => {
            setOwnerKind(kind);
            update({ doctorId: undefined, departmentId: undefined });
          }}
          onChange={update}
          onStep={(direction) =>
            update((latest) => ({ date: stepDate(latest.view, latest.date, direction) }))
          }
        />
      </Paper>
      <ProblemAlert error={doctors.error ?? departments.error} onRetry={() => void doctors.refetch()} />
      <Group justify="space-between" align="flex-end" mb="sm" wrap="wrap" gap="xs">
        <div>
          <Title order={2} size="h3">
            {heading}
          </Title>
          <Text size="sm" c="dimmed">
            Times in {timeZone}
          </Text>
        </div>
        <Switch
          label="Show cancelled and no-shows"
          checked={showInactive}
          onChange={(event) => setShowInactive(event.currentTarget.checked)}
        />
      </Group>
      <ProblemAlert
        error={appointments.error ?? slots.error}
        onRetry={() => {
          void appointments.refetch();
          void slots.refetch();
        }}
      />
      {appointments.data?.complete === false || slots.data?.complete === false ? (
        <Text size="sm" c="orange.9" mb="xs" role="status">
          This calendar is too full to show at once; choose a shorter view or a single doctor.
        </Text>
      ) : null}
      {!owner ? (
        <EmptyState>Choose a doctor or a department to see the calendar.</EmptyState>
      ) : loading ? (
        <PageLoader label="Loading the calendar" />
      ) : (
        <CalendarView
          columns={columns}
          today={today}
          showDoctors={state.departmentId !== undefined && state.view === 'week'}
          handlers={{
            ...(canBook
              ? {
                  onFreeSlot: (entry) =>
                    setBooking({ values: timeFormValuesOf(entry, timeZone), doctors: entry.doctors }),
                }
              : {}),
            onAppointment: (appointment) => update({ appointmentId: appointment.id }),
          }}
        />
      )}
      <ProblemAlert error={single.error} title="The appointment cannot be shown" />
      {booking ? (
        <BookAppointmentModal draft={booking} timeZone={timeZone} onClose={() => setBooking(undefined)} />
      ) : null}
      {selected ? (
        <AppointmentModal
          key={selected.id}
          appointment={selected}
          timeZone={timeZone}
          onClose={() => update({ appointmentId: undefined })}
        />
      ) : null}
    </>
  );
}
