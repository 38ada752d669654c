import type { Queryable } from '../../db/index.js';

export interface UserReference {
  readonly id: string;
  readonly username: string;
}

/** Times are RFC 3339 strings so that records replay from JSON (Idempotency-Key) unchanged. */
export interface CareTeamMemberRecord {
  readonly id: string;
  readonly patientId: string;
  readonly user: UserReference & { readonly role: string };
  readonly role: string;
  readonly addedBy: UserReference | null;
  readonly addedAt: string;
  readonly endedAt: string | null;
  readonly endedBy: UserReference | null;
}

export interface PatientState {
  readonly archived: boolean;
  readonly mergedIntoPatientId: string | null;
}

const SELECT_MEMBERS = `SELECT c.id, c.patient_id, c.user_id, member.username AS member_username,
         member.role AS member_role, c.role, c.added_by, adder.username AS adder_username, c.added_at,
         c.ended_at, c.ended_by, ender.username AS ender_username
    FROM care_team_members c
    JOIN users member ON member.id = c.user_id
    LEFT JOIN users adder ON adder.id = c.added_by
    LEFT JOIN users ender ON ender.id = c.ended_by`;

type Row = Record<string, unknown>;

const iso = (value: unknown): string => new Date(value as string | Date).toISOString();

function reference(id: unknown, username: unknown): UserReference | null {
  return typeof id === 'string' ? { id, username: String(username) } : null;
}

function toMember(row: Row): CareTeamMemberRecord {
  return {
    id: String(row['id']),
    patientId: String(row['patient_id']),
    user: {
      id: String(row['user_id']),
      username: String(row['member_username']),
      role: String(row['member_role']),
    },
    role: String(row['role']),
    addedBy: reference(row['added_by'], row['adder_username']),
    addedAt: iso(row['added_at']),
    endedAt: row['ended_at'] === null ? null : iso(row['ended_at']),
    endedBy: reference(row['ended_by'], row['ender_username']),
  };
}

export async function findPatientState(db: Queryable, patientId: string): Promise<PatientState | undefined> {
  const result = await db.query<PatientState>(
    `SELECT archived, merged_into_patient_id AS "mergedIntoPatientId" FROM patients WHERE id = $1`,
    [patientId],
  );
  return result.rows[0];
}

export async function isActiveUser(db: Queryable, userId: string): Promise<boolean> {
  const result = await db.query('SELECT 1 FROM users WHERE id = $1 AND active', [userId]);
  return result.rows.length > 0;
}

export async function findCurrentMembershipId(
  db: Queryable,
  patientId: string,
  userId: string,
): Promise<string | undefined> {
  const result = await db.query<{ id: string }>(
    'SELECT id FROM care_team_members WHERE patient_id = $1 AND user_id = $2 AND ended_at IS NULL',
    [patientId, userId],
  );
  return result.rows[0]?.id;
}

export async function insertMember(
  db: Queryable,
  member: { patientId: string; userId: string; role: string; addedBy: string },
): Promise<CareTeamMemberRecord> {
  const inserted = await db.query<{ id: string }>(
    `INSERT INTO care_team_members (patient_id, user_id, role, added_by) VALUES ($1, $2, $3, $4) RETURNING id`,
    [member.patientId, member.userId, member.role, member.addedBy],
  );
  return (await findMember(db, member.patientId, inserted.rows[0]!.id))!;
}

export async function findMember(
  db: Queryable,
  patientId: string,
  memberId: string,
): Promise<CareTeamMemberRecord | undefined> {
  const result = await db.query<Row>(`${SELECT_MEMBERS} WHERE c.id = $1 AND c.patient_id = $2`, [
    memberId,
    patientId,
  ]);
  const row = result.rows[0];
  return row ? toMember(row) : undefined;
}

/** Ends a current membership; false when it had already ended (or does not exist). */
export async function endMember(
  db: Queryable,
  patientId: string,
  memberId: string,
  endedBy: string,
): Promise<boolean> {
  const result = await db.query(
    `UPDATE care_team_members SET ended_at = now(), ended_by = $3
      WHERE id = $1 AND patient_id = $2 AND ended_at IS NULL`,
    [memberId, patientId, endedBy],
  );
  return result.rowCount > 0;
}

export async function listMembers(
  db: Queryable,
  criteria: { patientId: string; includeEnded: boolean; limit: number; offset: number },
): Promise<{ items: CareTeamMemberRecord[]; total: number }> {
  const where = `c.patient_id = $1 AND ($2::boolean OR c.ended_at IS NULL)`;
  const params = [criteria.patientId, criteria.includeEnded];
  const count = await db.query<{ total: number }>(
    `SELECT count(*)::int AS total FROM care_team_members c WHERE ${where}`,
    params,
  );
  const rows = await db.query<Row>(
    `${SELECT_MEMBERS} WHERE ${where}
      ORDER BY c.ended_at IS NOT NULL, c.added_at DESC, c.id
      LIMIT $3 OFFSET $4`,
    [...params, criteria.limit, criteria.offset],
  );
  return { items: rows.rows.map(toMember), total: count.rows[0]!.total };
}

/**
 * Moves a temporary patient's memberships to the registered patient it turned out to be. A user who is
 * already on the registered patient's team keeps that membership; the duplicate is ended, not moved
 * over it. Returns the ids of the moved rows.
 */
export async function reassignMembers(
  db: Queryable,
  fromPatientId: string,
  toPatientId: string,
  userId: string,
): Promise<string[]> {
  await db.query(
    `UPDATE care_team_members f SET ended_at = now(), ended_by = $3
      WHERE f.patient_id = $1 AND f.ended_at IS NULL
        AND EXISTS (SELECT 1 FROM care_team_members t
                     WHERE t.patient_id = $2 AND t.user_id = f.user_id AND t.ended_at IS NULL)`,
    [fromPatientId, toPatientId, userId],
  );
  const moved = await db.query<{ id: string }>(
    'UPDATE care_team_members SET patient_id = $2 WHERE patient_id = $1 RETURNING id',
    [fromPatientId, toPatientId],
  );
  return moved.rows.map((row) => row.id);
}
