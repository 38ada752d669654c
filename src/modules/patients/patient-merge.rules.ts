import type { Queryable } from '../../db/index.js';
import { ConflictError } from '../../shared/errors.js';

/**
 * The rules that moving a patient's records can break, checked before anything moves so that a refusal
 * says which record to deal with. The database constraints stay the last word (moveLinkedRows maps any
 * violation they raise to 409 too); these read-only checks only make the message useful.
 */

interface AppointmentOverlap {
  readonly mergedAppointmentId: string;
  readonly survivorAppointmentId: string;
  readonly mergedStart: Date;
  readonly mergedEnd: Date;
  readonly survivorStart: Date;
  readonly survivorEnd: Date;
}

/**
 * Mirrors appointments_patient_busy: one active appointment per patient at a time. `retry` ends the
 * message: what to do once the clash is resolved (a merge, or the identification of an unknown patient).
 */
export async function refuseOverlappingAppointments(
  db: Queryable,
  survivorId: string,
  mergedId: string,
  retry = 'merge again',
): Promise<void> {
  const result = await db.query<AppointmentOverlap>(
    `SELECT merged.id AS "mergedAppointmentId", survivor.id AS "survivorAppointmentId",
            merged.starts_at AS "mergedStart", merged.ends_at AS "mergedEnd",
            survivor.starts_at AS "survivorStart", survivor.ends_at AS "survivorEnd"
       FROM appointments merged
       JOIN appointments survivor
         ON survivor.patient_id = $1
        AND survivor.status IN ('scheduled', 'checked_in')
        AND tstzrange(survivor.starts_at, survivor.ends_at, '[)') && tstzrange(merged.starts_at, merged.ends_at, '[)')
      WHERE merged.patient_id = $2 AND merged.status IN ('scheduled', 'checked_in')
      ORDER BY merged.starts_at, survivor.starts_at
      LIMIT 3`,
    [survivorId, mergedId],
  );
  if (result.rows.length === 0) return;
  const overlaps = result.rows
    .map(
      (overlap) =>
        `appointment ${overlap.mergedAppointmentId} of the merged patient (${new Date(overlap.mergedStart).toISOString()} to ${new Date(overlap.mergedEnd).toISOString()}) overlaps appointment ${overlap.survivorAppointmentId} of the surviving patient (${new Date(overlap.survivorStart).toISOString()} to ${new Date(overlap.survivorEnd).toISOString()})`,
    )
    .join('; ');
  throw new ConflictError(
    `The two patients have overlapping active appointments: ${overlaps}. Cancel or reschedule one appointment of each overlapping pair (usually the duplicate booking of the merged patient), then ${retry}. Nothing was changed.`,
  );
}

/** Mirrors idx_admissions_one_open_per_patient: a patient is in one place at a time. */
export async function refuseTwoOpenAdmissions(
  db: Queryable,
  survivorId: string,
  mergedId: string,
): Promise<void> {
  const result = await db.query<{ id: string; patientId: string }>(
    `SELECT id, patient_id AS "patientId" FROM admissions
      WHERE patient_id IN ($1, $2) AND status <> 'discharged'
      ORDER BY arrived_at`,
    [survivorId, mergedId],
  );
  const survivorAdmission = result.rows.find((row) => row.patientId === survivorId);
  const mergedAdmission = result.rows.find((row) => row.patientId === mergedId);
  if (survivorAdmission && mergedAdmission) {
    throw new ConflictError(
      `Both patients are currently admitted (admission ${survivorAdmission.id} of the surviving patient, admission ${mergedAdmission.id} of the merged patient). A patient is in one place at a time: discharge one of the two admissions, then merge again. Nothing was changed.`,
    );
  }
}

/**
 * idx_documents_profile_photo allows one current photo per patient. When both have one, the survivor's
 * stays current and the merged patient's moves as an ordinary document. Returns the merged patient's
 * photo documents, which the snapshot keeps so that an undo makes them current again.
 */
export async function yieldProfilePhoto(
  db: Queryable,
  survivorId: string,
  mergedId: string,
): Promise<string[]> {
  const photos = await db.query<{ id: string }>(
    'SELECT id FROM documents WHERE patient_id = $1 AND profile_photo ORDER BY id',
    [mergedId],
  );
  const ids = photos.rows.map((row) => row.id);
  if (ids.length > 0) {
    await db.query(
      `UPDATE documents SET profile_photo = false
        WHERE patient_id = $1 AND profile_photo
          AND EXISTS (SELECT 1 FROM documents WHERE patient_id = $2 AND profile_photo)`,
      [mergedId, survivorId],
    );
  }
  return ids;
}

/** After an undo: the merged patient's photo is current again, unless it has been given another since. */
export async function restoreProfilePhoto(
  db: Queryable,
  mergedId: string,
  documentIds: readonly string[],
): Promise<void> {
  if (documentIds.length === 0) return;
  await db.query(
    `UPDATE documents SET profile_photo = true
      WHERE id = $1 AND patient_id = $2 AND NOT profile_photo
        AND NOT EXISTS (SELECT 1 FROM documents WHERE patient_id = $2 AND profile_photo)`,
    [documentIds[0], mergedId],
  );
}

async function tableExists(db: Queryable, table: string): Promise<boolean> {
  const result = await db.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [
    table,
  ]);
  return result.rows[0]!.present;
}

/**
 * idx_care_team_members_current allows one current membership per user and patient. A user on the care
 * team of both records stays on the survivor's; the merged record's duplicate membership is ended (it
 * would grant nothing more). Returns the ended memberships, which an undo opens again.
 */
export async function endDuplicateCareTeamMemberships(
  db: Queryable,
  survivorId: string,
  mergedId: string,
  userId: string,
): Promise<string[]> {
  if (!(await tableExists(db, 'public.care_team_members'))) return [];
  const result = await db.query<{ id: string }>(
    `UPDATE care_team_members merged SET ended_at = now(), ended_by = $3
      WHERE merged.patient_id = $2 AND merged.ended_at IS NULL
        AND EXISTS (SELECT 1 FROM care_team_members survivor
                     WHERE survivor.patient_id = $1 AND survivor.user_id = merged.user_id
                       AND survivor.ended_at IS NULL)
      RETURNING merged.id`,
    [survivorId, mergedId, userId],
  );
  return result.rows.map((row) => row.id).sort();
}

/** After an undo: the memberships the merge ended are current again, unless the user has another since. */
export async function reopenCareTeamMemberships(
  db: Queryable,
  mergedId: string,
  membershipIds: readonly string[],
): Promise<void> {
  if (membershipIds.length === 0) return;
  await db.query(
    `UPDATE care_team_members ended SET ended_at = NULL, ended_by = NULL
      WHERE ended.id IN (SELECT jsonb_array_elements_text($2::jsonb)::uuid) AND ended.patient_id = $1
        AND NOT EXISTS (SELECT 1 FROM care_team_members other
                         WHERE other.patient_id = $1 AND other.user_id = ended.user_id
                           AND other.ended_at IS NULL)`,
    [mergedId, JSON.stringify(membershipIds)],
  );
}

/**
 * idx_insurance_coverages_policy allows one coverage per provider and policy number per patient. When
 * both records hold the same policy, the merged record's coverage is marked superseded by the
 * survivor's (then moved like every other row, its claims still pointing at it) and left out of the
 * survivor's coverage list and eligibility. Returns the superseded coverages, which an undo revives.
 */
export async function supersedeTwinCoverages(
  db: Queryable,
  survivorId: string,
  mergedId: string,
  userId: string,
): Promise<string[]> {
  if (!(await tableExists(db, 'public.insurance_coverages'))) return [];
  const result = await db.query<{ id: string }>(
    `UPDATE insurance_coverages twin
        SET superseded_by = kept.id, version = twin.version + 1, updated_at = now(), updated_by = $3
       FROM insurance_coverages kept
      WHERE twin.patient_id = $2 AND twin.superseded_by IS NULL
        AND kept.patient_id = $1 AND kept.superseded_by IS NULL
        AND lower(kept.provider) = lower(twin.provider) AND kept.policy_number_hash = twin.policy_number_hash
      RETURNING twin.id`,
    [survivorId, mergedId, userId],
  );
  return result.rows.map((row) => row.id).sort();
}

/** After an undo has moved them back: the coverages the merge superseded are in force again. */
export async function reviveTwinCoverages(
  db: Queryable,
  mergedId: string,
  coverageIds: readonly string[],
  userId: string,
): Promise<void> {
  if (coverageIds.length === 0) return;
  await db.query(
    `UPDATE insurance_coverages SET superseded_by = NULL, version = version + 1, updated_at = now(),
            updated_by = $3
      WHERE id IN (SELECT jsonb_array_elements_text($2::jsonb)::uuid) AND patient_id = $1`,
    [mergedId, JSON.stringify(coverageIds), userId],
  );
}
