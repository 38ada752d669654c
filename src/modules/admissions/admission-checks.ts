import type { Transaction } from '../../db/index.js';
import {
  ConflictError,
  PreconditionFailedError,
  ValidationError,
  type FieldError,
} from '../../shared/errors.js';
import type { RequestContext } from '../../shared/request-context.js';
import { findDepartmentState, findDoctorState } from './admission-patients.repository.js';
import {
  findOpenAdmissionInBed,
  findOpenAdmissionOfPatient,
  type AdmissionState,
  type Place,
} from './admissions.repository.js';

export function actorId(context: RequestContext): string {
  if (!context.actor) throw new Error('admission changes need a signed-in actor');
  return context.actor.userId;
}

export function throwIfProblems(message: string, problems: FieldError[]): void {
  if (problems.length > 0) throw new ValidationError(message, problems);
}

/** The department and doctor named in a request must exist and be in service. */
export async function referenceProblems(
  tx: Transaction,
  references: { departmentId?: string | null | undefined; doctorId?: string | null | undefined },
): Promise<FieldError[]> {
  const problems: FieldError[] = [];
  if (references.departmentId) {
    const department = await findDepartmentState(tx, references.departmentId);
    if (!department) problems.push({ field: 'departmentId', message: 'no department has this id' });
    else if (department.archived) problems.push({ field: 'departmentId', message: 'is archived' });
  }
  if (references.doctorId) {
    const doctor = await findDoctorState(tx, references.doctorId);
    if (!doctor) problems.push({ field: 'doctorId', message: 'no doctor has this id' });
    else if (doctor.archived) problems.push({ field: 'doctorId', message: 'is archived' });
  }
  return problems;
}

/** Refuses a second open admission of a patient, or a second patient in a bed, with a message that says which. */
export async function assertPlaceFree(
  tx: Transaction,
  patientId: string,
  place: Place,
  admissionId: string | null,
): Promise<void> {
  if (await findOpenAdmissionOfPatient(tx, patientId, admissionId)) {
    throw new ConflictError('This patient is already admitted; transfer or discharge that admission first.');
  }
  if (
    place.ward !== null &&
    place.bed !== null &&
    (await findOpenAdmissionInBed(tx, place.ward, place.bed, admissionId))
  ) {
    throw new ConflictError(`Bed ${place.bed} in ward ${place.ward} is occupied.`);
  }
}

export function checkExpectedVersion(state: AdmissionState, expectedVersion: number | undefined): void {
  if (expectedVersion !== undefined && state.version !== expectedVersion) {
    throw new PreconditionFailedError(
      `The admission was changed by someone else (now version ${state.version}, you read version ${expectedVersion}). Reload it and try again.`,
    );
  }
}
