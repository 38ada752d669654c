import { idempotencyOf } from '../../server/idempotency.js';
import { Type } from 'typebox';
import { contextOf, type Api } from '../../server/types.js';
import {
  DuplicateCandidateList,
  DuplicatePairList,
  DuplicatePairsQuery,
  DuplicatesOfQuery,
} from './patient-duplicates.schemas.js';
import type { PatientDuplicatesService } from './patient-duplicates.service.js';
import type { PatientMergeRecord } from './patient-merge.repository.js';
import {
  MergePatientsBody,
  PatientMergeIdParams,
  PatientMergeList,
  PatientMergeListQuery,
  PatientMergeSchema,
} from './patient-merge.schemas.js';
import type { PatientMergeService } from './patient-merge.service.js';
import { PatientIdParams } from './patients.schemas.js';

function present(record: PatientMergeRecord): Omit<PatientMergeRecord, 'mergedAt' | 'undoneAt'> & {
  mergedAt: string;
  undoneAt: string | null;
} {
  // A replayed idempotent response holds its times as the JSON strings it was stored as; new Date takes both.
  return {
    ...record,
    mergedAt: new Date(record.mergedAt).toISOString(),
    undoneAt: record.undoneAt === null ? null : new Date(record.undoneAt).toISOString(),
  };
}

const IdempotencyHeaders = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ maxLength: 200 })) });

/** Duplicate candidates, merges and their undo: admin work (patients:merge). */
export function registerPatientMergeRoutes(
  api: Api,
  merges: PatientMergeService,
  duplicates: PatientDuplicatesService,
): void {
  api.get(
    '/api/v1/patients/duplicates',
    {
      config: { permission: 'patients:merge' },
      schema: {
        tags: ['patients'],
        summary:
          'Likely duplicate pairs (similar name and same date of birth or phone), best first, among the newest `scan` active patients (audited)',
        querystring: DuplicatePairsQuery,
        response: { 200: DuplicatePairList },
      },
    },
    async (request) => duplicates.pairs(request.query, contextOf(request)),
  );

  api.get(
    '/api/v1/patients/:id/duplicates',
    {
      config: { permission: 'patients:merge' },
      schema: {
        tags: ['patients'],
        summary: 'Likely duplicates of one patient, best first (audited)',
        params: PatientIdParams,
        querystring: DuplicatesOfQuery,
        response: { 200: DuplicateCandidateList },
      },
    },
    async (request) => duplicates.of(request.params.id, request.query, contextOf(request)),
  );

  api.post(
    '/api/v1/patients/merges',
    {
      config: { permission: 'patients:merge', freshMfa: true },
      schema: {
        tags: ['patients'],
        summary:
          'Merge a duplicate into the surviving record: every linked record moves, the duplicate is archived (409 when their appointments overlap or both are admitted)',
        headers: IdempotencyHeaders,
        body: MergePatientsBody,
        response: { 201: PatientMergeSchema },
      },
    },
    async (request, reply) => {
      const context = contextOf(request);
      const result = await merges.merge(request.body, context, idempotencyOf(request, context));
      if (result.replayed) void reply.header('idempotent-replayed', 'true');
      return reply
        .code(result.status as 201)
        .header('location', `/api/v1/patients/merges/${result.body.id}`)
        .send(present(result.body));
    },
  );

  api.get(
    '/api/v1/patients/merges',
    {
      config: { permission: 'patients:merge' },
      schema: {
        tags: ['patients'],
        summary: 'Patient merges, newest first (audited)',
        querystring: PatientMergeListQuery,
        response: { 200: PatientMergeList },
      },
    },
    async (request) => {
      const page = await merges.list(request.query, contextOf(request));
      return { ...page, items: page.items.map(present) };
    },
  );

  api.get(
    '/api/v1/patients/merges/:id',
    {
      config: { permission: 'patients:merge' },
      schema: {
        tags: ['patients'],
        summary: 'One patient merge with what it moved (audited)',
        params: PatientMergeIdParams,
        response: { 200: PatientMergeSchema },
      },
    },
    async (request) => present(await merges.get(request.params.id, contextOf(request))),
  );

  api.post(
    '/api/v1/patients/merges/:id/undo',
    {
      config: { permission: 'patients:merge', freshMfa: true },
      schema: {
        tags: ['patients'],
        summary:
          'Undo a merge: exactly the moved records go back, the duplicate is restored (409 when already undone)',
        params: PatientMergeIdParams,
        response: { 200: PatientMergeSchema },
      },
    },
    async (request) => present(await merges.undo(request.params.id, contextOf(request))),
  );
}
