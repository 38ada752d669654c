import { Type, type Static } from 'typebox';
import { PageQuery } from '../../shared/pagination.js';

const Uuid = Type.String({ format: 'uuid' });

export const MergePatientsBody = Type.Object(
  {
    survivorId: Type.String({
      format: 'uuid',
      description: 'The record that stays and receives the records',
    }),
    mergedId: Type.String({
      format: 'uuid',
      description: 'The duplicate: its records move to the survivor and it is archived',
    }),
    reason: Type.String({ minLength: 1, maxLength: 1000, description: 'Why these are the same person' }),
  },
  { additionalProperties: false },
);
export type MergePatientsInput = Static<typeof MergePatientsBody>;

export const PatientMergeSchema = Type.Object({
  id: Uuid,
  survivorId: Uuid,
  mergedId: Uuid,
  reason: Type.String(),
  mergedBy: Uuid,
  mergedAt: Type.String({ format: 'date-time' }),
  undoneBy: Type.Union([Uuid, Type.Null()]),
  undoneAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  moved: Type.Array(
    Type.Object({
      table: Type.String(),
      column: Type.String(),
      count: Type.Integer({
        description: 'Rows that pointed at the merged patient and moved to the survivor',
      }),
    }),
  ),
});

export const PatientMergeListQuery = Type.Object(
  {
    patientId: Type.Optional(
      Type.String({ format: 'uuid', description: 'Merges with this patient on either side' }),
    ),
    includeUndone: Type.Optional(Type.Boolean({ default: true })),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type PatientMergeListInput = Static<typeof PatientMergeListQuery>;

export const PatientMergeList = Type.Object({
  items: Type.Array(PatientMergeSchema),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

export const PatientMergeIdParams = Type.Object({ id: Uuid });
