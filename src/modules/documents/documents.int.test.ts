import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putInCare } from '../../../tests/support/care-factories.js';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';
import {
  filesUnder,
  multipartBody,
  pdfBytes,
  PNG_1X1,
  type FormPart,
} from '../../../tests/support/uploads.js';

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe.each(DATABASE_KINDS)('patient documents on %s', (kind) => {
  let t: TestApp;
  let staff: string;
  const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await buildTestApp(kind);
    staff = await t.userToken('staff');
  });
  afterAll(async () => t?.close());

  async function newPatient(name = 'Document Holder'): Promise<string> {
    const response = await t.app.api.inject({
      method: 'POST',
      url: '/api/v1/patients',
      headers: bearer(staff),
      payload: { name, dateOfBirth: '1970-03-04' },
    });
    expect(response.statusCode).toBe(201);
    return response.json().id;
  }

  async function upload(
    url: string,
    parts: FormPart[],
    options: { token?: string; method?: 'POST' | 'PUT'; headers?: Record<string, string> } = {},
  ) {
    const { payload, contentType } = multipartBody(parts);
    return t.app.api.inject({
      method: options.method ?? 'POST',
      url,
      headers: { ...bearer(options.token ?? staff), 'content-type': contentType, ...options.headers },
      payload,
    });
  }

  const get = (url: string, token = staff, headers: Record<string, string> = {}) =>
    t.app.api.inject({ method: 'GET', url, headers: { ...bearer(token), ...headers } });

  it('stores an uploaded PDF and downloads exactly the same bytes, audited as DOCUMENT_DOWNLOADED', async () => {
    const patientId = await newPatient();
    const pdf = await pdfBytes('Haemoglobin 13.5 g/dL');
    const created = await upload(`/api/v1/patients/${patientId}/documents`, [
      { name: 'title', data: 'Blood count, March' },
      { name: 'category', data: 'lab_report' },
      { name: 'file', filename: 'blood count.pdf', contentType: 'application/pdf', data: pdf },
    ]);
    expect(created.statusCode).toBe(201);
    const document = created.json();
    expect(document).toMatchObject({
      patientId,
      title: 'Blood count, March',
      category: 'lab_report',
      contentType: 'application/pdf',
      sizeBytes: pdf.length,
      sha256: sha256(pdf),
      originalFilename: 'blood count.pdf',
      archived: false,
    });
    expect(document.uploadedBy).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.headers['location']).toBe(`/api/v1/patients/${patientId}/documents/${document.id}`);
    const onDisk = readFileSync(path.join(t.config.uploadsDir, patientId, document.id));
    expect(sha256(onDisk)).toBe(sha256(pdf));

    const download = await get(`/api/v1/patients/${patientId}/documents/${document.id}/content`, staff, {
      'x-request-id': `download-${kind}`,
    });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toBe('attachment; filename="blood-count.pdf"');
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(sha256(download.rawPayload)).toBe(document.sha256);
    const parser = new PDFParse({ data: new Uint8Array(download.rawPayload) });
    expect((await parser.getText()).text).toContain('Haemoglobin 13.5');
    await parser.destroy();

    const audited = await t.database.db.query<{ action: string; entity_id: string; actor_role: string }>(
      'SELECT action, entity_id, actor_role FROM audit_events WHERE request_id = $1',
      [`download-${kind}`],
    );
    expect(audited.rows).toEqual([
      { action: 'DOCUMENT_DOWNLOADED', entity_id: document.id, actor_role: 'staff' },
    ]);
    const lines = (await t.logLines('audit')).filter(
      (line) => /\bDOCUMENT_DOWNLOADED\b/.test(line) && line.includes(`download-${kind}`),
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('Blood count');
  });

  it("decides the type by content, not by the name or the client's Content-Type", async () => {
    const patientId = await newPatient();
    const created = await upload(`/api/v1/patients/${patientId}/documents`, [
      {
        name: 'file',
        filename: '..\\..\\windows/../scan.exe',
        contentType: 'application/octet-stream',
        data: PNG_1X1,
      },
    ]);
    expect(created.statusCode).toBe(201);
    const document = created.json();
    expect(document).toMatchObject({
      contentType: 'image/png',
      originalFilename: 'scan.exe',
      category: 'other',
    });
    const stored = await t.database.db.query<{ storage_path: string }>(
      'SELECT storage_path FROM documents WHERE id = $1',
      [document.id],
    );
    expect(stored.rows[0]!.storage_path).toBe(`${patientId}/${document.id}`);
    const download = await get(`/api/v1/patients/${patientId}/documents/${document.id}/content`);
    expect(download.headers['content-type']).toBe('image/png');
    expect(download.headers['content-disposition']).toBe('attachment; filename="scan.png"');
  });

  it('lists documents, hides archived ones unless asked, and keeps them readable', async () => {
    const patientId = await newPatient();
    const ids: string[] = [];
    for (const title of ['Referral letter', 'Consent form']) {
      const response = await upload(`/api/v1/patients/${patientId}/documents`, [
        { name: 'file', filename: 'x.pdf', data: await pdfBytes(title) },
        { name: 'title', data: title },
      ]);
      ids.push(response.json().id);
    }
    const listUrl = `/api/v1/patients/${patientId}/documents`;
    const before = (await get(listUrl)).json();
    expect(before.total).toBe(2);
    expect(before.items.map((item: { id: string }) => item.id).sort()).toEqual([...ids].sort());

    const archived = await t.app.api.inject({
      method: 'POST',
      url: `${listUrl}/${ids[0]}/archive`,
      headers: bearer(staff),
    });
    expect(archived.statusCode).toBe(200);
    expect(archived.json()).toMatchObject({ id: ids[0], archived: true, archivedAt: expect.any(String) });

    const after = (await get(listUrl)).json();
    expect(after.items.map((item: { id: string }) => item.id)).toEqual([ids[1]]);
    expect(after.total).toBe(1);
    const all = (await get(`${listUrl}?includeArchived=true`)).json();
    expect(all.total).toBe(2);
    expect((await get(`${listUrl}/${ids[0]}`)).json().archived).toBe(true);
    const deleted = await t.app.api.inject({
      method: 'DELETE',
      url: `${listUrl}/${ids[0]}`,
      headers: bearer(staff),
    });
    expect(deleted.statusCode).toBe(404);
    expect(filesUnder(path.join(t.config.uploadsDir, patientId))).toHaveLength(2);
  });

  it('refuses roles without documents:read (finance) with 403, and writes nothing for them', async () => {
    const patientId = await newPatient();
    const document = (
      await upload(`/api/v1/patients/${patientId}/documents`, [
        { name: 'file', filename: 'a.png', data: PNG_1X1 },
      ])
    ).json();
    const finance = await t.userToken('finance');
    const base = `/api/v1/patients/${patientId}`;
    for (const url of [
      `${base}/documents`,
      `${base}/documents/${document.id}`,
      `${base}/documents/${document.id}/content`,
      `${base}/photo`,
    ]) {
      const response = await get(url, finance);
      expect(response.statusCode, url).toBe(403);
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
    const refused = await upload(`${base}/documents`, [{ name: 'file', filename: 'b.png', data: PNG_1X1 }], {
      token: finance,
    });
    expect(refused.statusCode).toBe(403);
    const head = await t.userToken('department_head');
    expect((await get(`${base}/documents`, head)).statusCode).toBe(403);
    await putInCare(t, head, patientId);
    expect((await get(`${base}/documents`, head)).statusCode).toBe(200);
    const count = await t.database.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM documents WHERE patient_id = $1',
      [patientId],
    );
    expect(count.rows[0]!.n).toBe(1);
  });

  it('sets and replaces the patient photo (images only), keeping the old one as a document', async () => {
    const patientId = await newPatient();
    const photoUrl = `/api/v1/patients/${patientId}/photo`;
    expect((await get(photoUrl)).statusCode).toBe(404);
    const notAnImage = await upload(
      photoUrl,
      [{ name: 'file', filename: 'me.png', data: await pdfBytes('x') }],
      {
        method: 'PUT',
      },
    );
    expect(notAnImage.statusCode).toBe(415);

    const first = await upload(photoUrl, [{ name: 'file', filename: 'me.png', data: PNG_1X1 }], {
      method: 'PUT',
    });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ category: 'photo', profilePhoto: true, contentType: 'image/png' });
    const second = await upload(photoUrl, [{ name: 'file', filename: 'me2.png', data: PNG_1X1 }], {
      method: 'PUT',
    });
    expect(second.statusCode).toBe(201);

    const shown = await get(photoUrl, staff, { 'x-request-id': `photo-${kind}` });
    expect(shown.statusCode).toBe(200);
    expect(shown.headers['content-type']).toBe('image/png');
    expect(shown.rawPayload.equals(PNG_1X1)).toBe(true);
    const audited = await t.database.db.query<{ entity_id: string }>(
      `SELECT entity_id FROM audit_events WHERE request_id = $1 AND action = 'PATIENT_PHOTO_VIEWED'`,
      [`photo-${kind}`],
    );
    expect(audited.rows).toEqual([{ entity_id: second.json().id }]);
    const listed = (await get(`/api/v1/patients/${patientId}/documents`)).json();
    expect(
      listed.items.map((item: { id: string; profilePhoto: boolean }) => [item.id, item.profilePhoto]),
    ).toEqual([
      [second.json().id, true],
      [first.json().id, false],
    ]);
  });

  it('creates one document for an upload repeated with the same Idempotency-Key', async () => {
    const patientId = await newPatient();
    const url = `/api/v1/patients/${patientId}/documents`;
    const parts: FormPart[] = [{ name: 'file', filename: 'r.pdf', data: await pdfBytes('repeat') }];
    const headers = { 'idempotency-key': `upload-${kind}` };
    const first = await upload(url, parts, { headers });
    const again = await upload(url, parts, { headers });
    expect([first.statusCode, again.statusCode]).toEqual([201, 201]);
    expect(again.json().id).toBe(first.json().id);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(filesUnder(path.join(t.config.uploadsDir, patientId))).toEqual([first.json().id]);
    expect(filesUnder(path.join(t.config.uploadsDir, '.incoming'))).toEqual([]);
  });
});
