import { Type, type Static } from 'typebox';
import { PageQuery } from '../../shared/pagination.js';
import { PatientSummary } from './patients.schemas.js';

/** Default and most active patients one candidate listing checks (newest registrations first). */
export const DEFAULT_SCAN = 5_000;
export const MAX_SCAN = 50_000;

const Evidence = {
  score: Type.Number({
    description: '0..1: 0.6 x name similarity, +0.25 same date of birth, +0.15 same phone digits',
  }),
  nameSimilarity: Type.Number({ description: 'Trigram similarity of the names, 0..1' }),
  sameDateOfBirth: Type.Boolean(),
  samePhone: Type.Boolean(),
};

export const DuplicatePairsQuery = Type.Object(
  {
    scan: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_SCAN,
        default: DEFAULT_SCAN,
        description: 'How many of the most recently registered active patients to check against all others',
      }),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type DuplicatePairsInput = Static<typeof DuplicatePairsQuery>;

export const DuplicatePairList = Type.Object({
  items: Type.Array(Type.Object({ first: PatientSummary, second: PatientSummary, ...Evidence })),
  total: Type.Integer({ description: 'Pairs found among the scanned patients' }),
  limit: Type.Integer(),
  offset: Type.Integer(),
  scannedPatients: Type.Integer({ description: 'Active patients checked (the newest ones)' }),
  complete: Type.Boolean({ description: 'True when every active patient was checked' }),
});

export const DuplicatesOfQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
export type DuplicatesOfInput = Static<typeof DuplicatesOfQuery>;

export const DuplicateCandidateList = Type.Object({
  items: Type.Array(Type.Object({ patient: PatientSummary, ...Evidence })),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});
