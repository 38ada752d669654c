export { AppointmentsService, TRANSITIONS, type Transition } from './appointments.service.js';
export {
  AppointmentQueriesService,
  type AppointmentPage,
  type FreeSlot,
  type FreeSlotPage,
} from './appointment-queries.service.js';
export { registerAppointmentRoutes } from './appointments.routes.js';
export type { AppointmentRecord, AppointmentChangeRecord } from './appointments.repository.js';
export { APPOINTMENT_STATUSES, type AppointmentStatus } from './appointments.schemas.js';
