import type { TObject } from 'typebox';
import { AppointmentsFigures, appointmentsReport } from './appointments-report.js';
import { DepartmentsFigures, departmentsReport } from './departments-report.js';
import { DoctorPerformanceFigures, doctorPerformanceReport } from './doctor-performance-report.js';
import type { ReportDefinition } from './report-model.js';
import { PatientsFigures, patientsReport } from './patients-report.js';

/** Every report of this module with the schema of its figures (the JSON response guard). */
export const REPORTS: readonly { readonly definition: ReportDefinition; readonly figures: TObject }[] = [
  { definition: patientsReport, figures: PatientsFigures },
  { definition: appointmentsReport, figures: AppointmentsFigures },
  { definition: doctorPerformanceReport, figures: DoctorPerformanceFigures },
  { definition: departmentsReport, figures: DepartmentsFigures },
];
