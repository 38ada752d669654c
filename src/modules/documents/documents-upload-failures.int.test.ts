import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putInCare } from '../../../tests/support/care-factories.js';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';
import type { Database } from '../../db/index.js';
import type { RequestContext } from '../../shared/request-context.js';
import { DocumentStorage } from './documents.storage.js';
import { DocumentsService } from './documents.service.js';
import {
  elfExecutable,
  filesUnder,
  multipartBody,
  pngSized,
  waitFor,
  windowsExecutable,
  type FormPart,
} from '../../../tests/support/uploads.js';

const MAX_FILE_BYTES = 32 * 1024;

describe.each(DATABASE_KINDS)('refused and broken uploads on %s', (kind) => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await buildTestApp(kind, { 'uploads.max-file-size': String(MAX_FILE_BYTES) });
    token = await t.userToken('doctor');
  });
  afterAll(async () => t?.close());

  async function newPatient(): Promise<string> {
    const response = await t.app.api.inject({
      method: 'POST',
      url: '/api/v1/patients',
      headers: { authorization: `Bearer ${token}` },
      payload: { name: 'Upload Target', dateOfBirth: '1985-06-07' },
    });
    const patientId: string = response.json().id;
    // Doctors upload only for patients in their care.
    await putInCare(t, token, patientId);
    return patientId;
  }

  async function upload(patientId: string, parts: FormPart[]) {
    const { payload, contentType } = multipartBody(parts);
    return t.app.api.inject({
      method: 'POST',
      url: `/api/v1/patients/${patientId}/documents`,
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      payload,
    });
  }

  /** Every file under uploads.dir is a committed document's, and no other. */
  async function filesMatchRows(): Promise<boolean> {
    const rows = await t.database.db.query<{ storage_path: string }>('SELECT storage_path FROM documents');
    const expected = rows.rows.map((row) => row.storage_path).sort();
    return JSON.stringify(filesUnder(t.config.uploadsDir)) === JSON.stringify(expected);
  }

  /** Nothing half-written: no row for the patient, and no file (not even a temporary one) without a row. */
  async function expectNothingStored(patientId: string): Promise<void> {
    const rows = await t.database.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM documents WHERE patient_id = $1',
      [patientId],
    );
    expect(rows.rows[0]!.n).toBe(0);
    expect(filesUnder(path.join(t.config.uploadsDir, patientId))).toEqual([]);
    expect(filesUnder(path.join(t.config.uploadsDir, '.incoming'))).toEqual([]);
    expect(await filesMatchRows()).toBe(true);
  }

  it.each([
    ['a Linux executable (ELF)', elfExecutable()],
    ['a Windows executable (MZ/PE)', windowsExecutable()],
  ])('refuses %s named .pdf and sent as application/pdf with 415, leaving nothing', async (_label, bytes) => {
    const patientId = await newPatient();
    const response = await upload(patientId, [
      { name: 'title', data: 'Discharge letter' },
      { name: 'file', filename: 'discharge-letter.pdf', contentType: 'application/pdf', data: bytes },
    ]);
    expect(response.statusCode).toBe(415);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 415, detail: expect.stringContaining('PDF') });
    await expectNothingStored(patientId);
    const refused = await t.database.db.query<{ outcome: string; details: { reason: string } }>(
      `SELECT outcome, details FROM audit_events WHERE patient_id = $1 AND action = 'DOCUMENT_UPLOAD_REFUSED'`,
      [patientId],
    );
    expect(refused.rows).toEqual([
      { outcome: 'failure', details: expect.objectContaining({ reason: 'unsupported_type' }) },
    ]);
  });

  it('refuses plain text, which has no signature to recognise it by', async () => {
    const patientId = await newPatient();
    const response = await upload(patientId, [
      { name: 'file', filename: 'notes.txt', contentType: 'text/plain', data: 'BP 120/80, no complaints.\n' },
    ]);
    expect(response.statusCode).toBe(415);
    await expectNothingStored(patientId);
  });

  it('refuses a file over uploads.max-file-size with 413 and leaves nothing', async () => {
    const fits = await upload(await newPatient(), [
      { name: 'file', filename: 'fits.png', data: pngSized(MAX_FILE_BYTES) },
    ]);
    expect(fits.statusCode).toBe(201);

    const patientId = await newPatient();
    const tooLarge = await upload(patientId, [
      { name: 'file', filename: 'big.png', data: pngSized(MAX_FILE_BYTES + 1) },
    ]);
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json()).toMatchObject({ status: 413, detail: expect.stringContaining('32 KiB') });
    // Declared far larger than allowed: refused before the body is read.
    const huge = await upload(patientId, [
      { name: 'file', filename: 'huge.png', data: pngSized(MAX_FILE_BYTES * 10) },
    ]);
    expect(huge.statusCode).toBe(413);
    await expectNothingStored(patientId);
  });

  it('leaves no file and no row when the client breaks off mid-upload', async () => {
    const patientId = await newPatient();
    await t.app.api.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.api.server.address() as AddressInfo;
    const { payload, contentType } = multipartBody([
      { name: 'title', data: 'Chest X-ray' },
      { name: 'file', filename: 'xray.png', contentType: 'image/png', data: pngSized(MAX_FILE_BYTES - 100) },
    ]);
    const socket = net.connect(port, '127.0.0.1');
    await once(socket, 'connect');
    socket.on('error', () => undefined);
    socket.write(
      `POST /api/v1/patients/${patientId}/documents HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
        `Authorization: Bearer ${token}\r\nContent-Type: ${contentType}\r\nContent-Length: ${payload.length}\r\n\r\n`,
    );
    socket.write(payload.subarray(0, Math.floor(payload.length / 2)));
    // The server is writing the file when the client goes away.
    await waitFor(() => filesUnder(path.join(t.config.uploadsDir, '.incoming')).length === 1);
    socket.destroy();
    await waitFor(() => filesUnder(path.join(t.config.uploadsDir, '.incoming')).length === 0);
    await expectNothingStored(patientId);

    const retried = await upload(patientId, [{ name: 'file', filename: 'xray.png', data: pngSized(1000) }]);
    expect(retried.statusCode).toBe(201);
  });

  it('removes the file it moved into place when the transaction then fails', async () => {
    const patientId = await newPatient();
    const doctor = await t.database.db.query<{ id: string; username: string }>(
      "SELECT id, username FROM users WHERE role = 'doctor' LIMIT 1",
    );
    const context: RequestContext = {
      actor: { userId: doctor.rows[0]!.id, username: doctor.rows[0]!.username, role: 'doctor' },
      clientAddress: '127.0.0.1',
      requestId: `commit-fails-${kind}`,
    };
    let movedBeforeFailure: string[] = [];
    // Everything runs, the row and the move included; then the commit "fails" and all rolls back.
    const failingCommit: Database = Object.create(t.database.db, {
      transaction: {
        value: <T>(work: Parameters<Database['transaction']>[0]): Promise<T> =>
          t.database.db.transaction(async (tx) => {
            await work(tx);
            movedBeforeFailure = filesUnder(path.join(t.config.uploadsDir, patientId));
            throw new Error('connection lost during COMMIT');
          }),
      },
    });
    const documents = new DocumentsService(
      failingCommit,
      t.app.services.audit,
      new DocumentStorage(t.config.uploadsDir),
      MAX_FILE_BYTES,
      t.app.services.patientAccess,
    );
    const staged = await documents.stage(Readable.from([pngSized(500)]), context, patientId);
    await expect(
      documents.store({ patientId, staged, fields: {}, originalFilename: 'a.png', photo: false }, context),
    ).rejects.toThrow(/COMMIT/);
    await documents.discard(staged);
    expect(movedBeforeFailure).toHaveLength(1);
    await expectNothingStored(patientId);
  });

  it('answers 404 for an unknown patient and 400 for a form without the file, storing nothing', async () => {
    const unknown = await upload('00000000-0000-4000-8000-000000000000', [
      { name: 'file', filename: 'a.png', data: pngSized(100) },
    ]);
    expect(unknown.statusCode).toBe(404);
    const patientId = await newPatient();
    const noFile = await upload(patientId, [{ name: 'title', data: 'Nothing attached' }]);
    expect(noFile.statusCode).toBe(400);
    const wrongField = await upload(patientId, [{ name: 'upload', filename: 'a.png', data: pngSized(100) }]);
    expect(wrongField.statusCode).toBe(400);
    expect(wrongField.json().errors.map((error: { field: string }) => error.field)).toContain('upload');
    const badCategory = await upload(patientId, [
      { name: 'category', data: 'x-ray' },
      { name: 'file', filename: 'a.png', data: pngSized(100) },
    ]);
    expect(badCategory.statusCode).toBe(400);
    expect(badCategory.json().errors.map((error: { field: string }) => error.field)).toEqual(['category']);
    const json = await t.app.api.inject({
      method: 'POST',
      url: `/api/v1/patients/${patientId}/documents`,
      headers: { authorization: `Bearer ${token}` },
      payload: { file: 'not a file' },
    });
    expect(json.statusCode).toBe(415);
    await expectNothingStored(patientId);
  });
});
