import type { Problem } from '@/lib/problem';
import type { Appointment, AppointmentTransition } from '../api/appointments';

export type AppointmentAction = AppointmentTransition | 'reschedule';

export const ACTION_LABELS: Readonly<Record<AppointmentAction, string>> = {
  'check-in': 'Check in',
  complete: 'Complete',
  cancel: 'Cancel appointment',
  'no-show': 'Mark no-show',
  reschedule: 'Reschedule',
};

/**
 * What can be done with an appointment now, as the server's rules allow it: a scheduled one can be
 * checked in, moved or cancelled, and marked a no-show once its start has passed; a checked-in one
 * completed or cancelled; the rest are final.
 */
export function availableActions(
  appointment: Pick<Appointment, 'status' | 'start'>,
  nowMs: number,
): AppointmentAction[] {
  switch (appointment.status) {
    case 'scheduled': {
      const started = Date.parse(appointment.start) <= nowMs;
      return ['check-in', 'reschedule', ...(started ? (['no-show'] as const) : []), 'cancel'];
    }
    case 'checked_in':
      return ['complete', 'cancel'];
    case 'completed':
    case 'cancelled':
    case 'no_show':
      return [];
  }
}

/** The heading of a refused booking or move; the server's detail says the rest. */
export function refusalTitle(problem: Problem | undefined, action: 'book' | 'reschedule'): string {
  const verb = action === 'book' ? 'booked' : 'moved';
  if (problem?.status === 409) return `Not ${verb}: the time is already taken`;
  if (problem?.status === 422) return `Not ${verb}: the time cannot be booked`;
  if (problem?.status === 412) return 'Someone changed this appointment meanwhile';
  return `The appointment was not ${verb}`;
}
