export { DoctorsService, type DoctorPage } from './doctors.service.js';
export { DoctorSchedulesService, loadWorkingIntervals, type WorkingHours } from './schedule.service.js';
export { registerDoctorRoutes } from './doctors.routes.js';
export { registerScheduleRoutes } from './schedule.routes.js';
export { findDoctorById, findActiveDoctorsOfDepartment, type DoctorRecord } from './doctors.repository.js';
export { freeSlots, isCovered, mergeIntervals, type Interval } from './availability.js';
export { instantOfLocal, localDateTimeOf, addDays } from './zoned-time.js';
