import {
  queryOptions,
  useMutation,
  useQuery,
  useQueryClient,
  type UseMutationResult,
  type UseQueryResult,
} from '@tanstack/react-query';
import { api, apiRequest, type ApiError } from '@/lib/api-client';

export type AppointmentStatus = 'scheduled' | 'checked_in' | 'completed' | 'cancelled' | 'no_show';

/** GET /api/v1/appointments/{id} and the rows of the list. */
export interface Appointment {
  readonly id: string;
  readonly patientId: string;
  readonly patientName: string;
  readonly patientMrn: string;
  readonly doctorId: string;
  readonly doctorName: string;
  readonly start: string;
  readonly end: string;
  readonly status: AppointmentStatus;
  readonly reason: string | null;
  readonly overbooked: boolean;
  readonly cancellationReason: string | null;
  readonly checkedInAt: string | null;
  readonly completedAt: string | null;
  readonly cancelledAt: string | null;
  readonly version: number;
}

/** A bookable slot of one doctor (GET /api/v1/appointments/free-slots). */
export interface FreeSlot {
  readonly doctorId: string;
  readonly doctorName: string;
  readonly start: string;
  readonly end: string;
}

export interface Doctor {
  readonly id: string;
  readonly name: string;
  readonly specialization: string;
  readonly departmentId: string | null;
  readonly slotMinutes: number;
  /** The doctor's own user account: their calendar opens first. */
  readonly userId: string | null;
}

export interface Department {
  readonly id: string;
  readonly code: string;
  readonly name: string;
}

export interface WorkingHours {
  readonly doctorId: string;
  /** hospital.timezone: the calendar's days and times are shown in it. */
  readonly timeZone: string;
  readonly hours: readonly { readonly weekday: number; readonly start: string; readonly end: string }[];
}

export interface PatientOption {
  readonly id: string;
  readonly mrn: string;
  readonly name: string;
  readonly dateOfBirth: string;
}

interface Page<T> {
  readonly items: T[];
  readonly total: number;
}

/** Whose calendar: one doctor's or every doctor's of a department. */
export type CalendarOwner = { readonly doctorId: string } | { readonly departmentId: string };

export interface CalendarWindow {
  readonly owner: CalendarOwner;
  readonly from: string;
  readonly to: string;
}

const PAGE_LIMIT = 500;
/** A week of a large department stays well under this; the calendar says when it was cut short. */
const MAX_PAGES = 4;

export const appointmentKeys = {
  all: ['appointments'] as const,
  window: (window: CalendarWindow) => ['appointments', 'window', window] as const,
  slots: (window: CalendarWindow) => ['appointments', 'free-slots', window] as const,
  one: (id: string) => ['appointments', 'one', id] as const,
};

/** Every page of a list, up to MAX_PAGES of 500. */
async function allPages<T>(
  path: string,
  query: Record<string, string>,
  signal: AbortSignal,
): Promise<{ items: T[]; complete: boolean }> {
  const items: T[] = [];
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const result = await api.get<Page<T>>(
      path,
      { ...query, limit: PAGE_LIMIT, offset: page * PAGE_LIMIT },
      signal,
    );
    items.push(...result.items);
    if (items.length >= result.total || result.items.length === 0) return { items, complete: true };
  }
  return { items, complete: false };
}

export function useCalendarAppointments(
  window: CalendarWindow | undefined,
): UseQueryResult<{ items: Appointment[]; complete: boolean }> {
  return useQuery({
    queryKey: appointmentKeys.window(window ?? { owner: { doctorId: '' }, from: '', to: '' }),
    queryFn: ({ signal }) =>
      allPages<Appointment>(
        '/api/v1/appointments',
        { ...window!.owner, from: window!.from, to: window!.to },
        signal,
      ),
    enabled: window !== undefined,
  });
}

export function useFreeSlots(
  window: CalendarWindow | undefined,
): UseQueryResult<{ items: FreeSlot[]; complete: boolean }> {
  return useQuery({
    queryKey: appointmentKeys.slots(window ?? { owner: { doctorId: '' }, from: '', to: '' }),
    queryFn: ({ signal }) =>
      allPages<FreeSlot>(
        '/api/v1/appointments/free-slots',
        { ...window!.owner, from: window!.from, to: window!.to },
        signal,
      ),
    enabled: window !== undefined,
  });
}

/** One appointment, for a link to one that the calendar's window does not show. */
export function useAppointment(id: string | undefined): UseQueryResult<Appointment> {
  return useQuery({
    queryKey: appointmentKeys.one(id ?? ''),
    queryFn: ({ signal }) =>
      api.get<Appointment>(`/api/v1/appointments/${encodeURIComponent(id!)}`, undefined, signal),
    enabled: id !== undefined,
  });
}

export function doctorsQueryOptions(departmentId?: string) {
  return queryOptions({
    queryKey: ['doctors', 'active', departmentId ?? 'all'] as const,
    queryFn: ({ signal }) =>
      api.get<Page<Doctor>>('/api/v1/doctors', { departmentId, limit: PAGE_LIMIT }, signal),
    staleTime: 5 * 60_000,
  });
}

export function useDoctors(departmentId?: string): UseQueryResult<Page<Doctor>> {
  return useQuery(doctorsQueryOptions(departmentId));
}

export function useDepartments(): UseQueryResult<Page<Department>> {
  return useQuery({
    queryKey: ['departments', 'all'] as const,
    queryFn: ({ signal }) => api.get<Page<Department>>('/api/v1/departments', { limit: PAGE_LIMIT }, signal),
    staleTime: 5 * 60_000,
  });
}

export function useWorkingHours(doctorId: string | undefined): UseQueryResult<WorkingHours> {
  return useQuery({
    queryKey: ['doctors', 'working-hours', doctorId ?? ''] as const,
    queryFn: ({ signal }) =>
      api.get<WorkingHours>(
        `/api/v1/doctors/${encodeURIComponent(doctorId!)}/working-hours`,
        undefined,
        signal,
      ),
    enabled: doctorId !== undefined,
    staleTime: 5 * 60_000,
  });
}

/** Patients whose name, MRN or phone matches `text`, for choosing whom to book. */
export function usePatientOptions(text: string): UseQueryResult<Page<PatientOption>> {
  return useQuery({
    queryKey: ['patients', 'search', { q: text, limit: 10, purpose: 'booking' }] as const,
    queryFn: ({ signal }) => api.get<Page<PatientOption>>('/api/v1/patients', { q: text, limit: 10 }, signal),
    enabled: text.trim().length >= 2,
    staleTime: 30_000,
  });
}

export interface BookingInput {
  readonly patientId: string;
  readonly doctorId: string;
  readonly start: string;
  readonly end: string;
  readonly reason?: string;
  /** Outside the doctor's working hours: only for roles with appointments:overbook (audited). */
  readonly overbook?: boolean;
}

/** Refetches what a change shows: the calendars, the free slots and the patient's own list. */
function useRefreshAfterChange(): (appointment: Appointment) => Promise<void> {
  const queryClient = useQueryClient();
  return async (appointment) => {
    queryClient.setQueryData(appointmentKeys.one(appointment.id), appointment);
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: ['appointments', 'window'] }),
      queryClient.invalidateQueries({ queryKey: ['appointments', 'free-slots'] }),
      queryClient.invalidateQueries({ queryKey: ['patients', appointment.patientId, 'appointments'] }),
    ]);
  };
}

/** POST /api/v1/appointments: 409 when the time is taken, 422 outside the doctor's working hours. */
export function useBookAppointment(
  idempotencyKey: string,
): UseMutationResult<Appointment, ApiError, BookingInput> {
  const refresh = useRefreshAfterChange();
  return useMutation<Appointment, ApiError, BookingInput>({
    mutationFn: (input) => api.post<Appointment>('/api/v1/appointments', input, { idempotencyKey }),
    onSuccess: refresh,
  });
}

export type AppointmentTransition = 'check-in' | 'complete' | 'cancel' | 'no-show';

export interface TransitionInput {
  readonly appointment: Appointment;
  readonly transition: AppointmentTransition;
  readonly reason?: string;
}

/** A status change, guarded by the version the user saw (412 when someone changed it meanwhile). */
export function useAppointmentTransition(): UseMutationResult<Appointment, ApiError, TransitionInput> {
  const refresh = useRefreshAfterChange();
  return useMutation<Appointment, ApiError, TransitionInput>({
    mutationFn: async ({ appointment, transition, reason }) =>
      (
        await apiRequest<Appointment>(
          `/api/v1/appointments/${encodeURIComponent(appointment.id)}/${transition}`,
          {
            method: 'POST',
            body: transition === 'cancel' ? (reason ? { reason } : {}) : {},
            ifMatch: `"${appointment.version}"`,
          },
        )
      ).data,
    onSuccess: refresh,
  });
}

export interface RescheduleInput {
  readonly appointment: Appointment;
  readonly start: string;
  readonly end: string;
  readonly note?: string;
}

export function useRescheduleAppointment(): UseMutationResult<Appointment, ApiError, RescheduleInput> {
  const refresh = useRefreshAfterChange();
  return useMutation<Appointment, ApiError, RescheduleInput>({
    mutationFn: async ({ appointment, start, end, note }) =>
      (
        await apiRequest<Appointment>(
          `/api/v1/appointments/${encodeURIComponent(appointment.id)}/reschedule`,
          {
            method: 'POST',
            body: { start, end, ...(note ? { note } : {}) },
            ifMatch: `"${appointment.version}"`,
          },
        )
      ).data,
    onSuccess: refresh,
  });
}
