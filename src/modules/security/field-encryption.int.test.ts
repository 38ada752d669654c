import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCoverage, api, issuedInvoice } from '../../../tests/support/billing-factories.js';
import { registerPatient } from '../../../tests/support/clinical-factories.js';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';
import { buildApp } from '../../server/app.js';
import { commandLineContext } from '../../shared/request-context.js';
import { FieldCipher, keyIdOf } from './field-cipher.js';
import { FieldEncryptionService } from './field-encryption.service.js';
import { appendKey, parseKeyFile, readKeyFile } from './key-file.js';

describe.each(DATABASE_KINDS)('encryption at rest of national ids and policy numbers on %s', (kind) => {
  let t: TestApp;
  let staff: string;
  let finance: string;

  beforeAll(async () => {
    t = await buildTestApp(kind);
    staff = await t.userToken('staff');
    finance = await t.userToken('finance');
    // As `medisys serve` does at start: the key in use is recorded, so a rotation can retire it.
    await t.app.services.fieldEncryption.checkKeyFile();
  });
  afterAll(async () => t?.close());

  const raw = async (sql: string, params: unknown[]): Promise<Record<string, string | null>> =>
    (await t.database.db.query<Record<string, string | null>>(sql, params)).rows[0]!;

  const search = async (q: string): Promise<string[]> => {
    const response = await api(t, staff, 'GET', `/api/v1/patients?q=${encodeURIComponent(q)}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ items: { id: string }[] }>().items.map((item) => item.id);
  };

  it('stores ciphertext, answers plaintext, and finds the patient by the exact national id', async () => {
    const patient = await registerPatient(t, staff, {
      name: 'Maja Lindgren',
      nationalId: 'SE-19850101-2384',
      insuranceNumber: 'INS 7781',
    });
    const read = await api(t, staff, 'GET', `/api/v1/patients/${patient.id}`);
    expect(read.json()).toMatchObject({ nationalId: 'SE-19850101-2384', insuranceNumber: 'INS 7781' });

    const stored = await raw(
      `SELECT national_id_encrypted, national_id_hash, insurance_number_encrypted, insurance_number_plaintext
         FROM patients WHERE id = $1`,
      [patient.id],
    );
    expect(stored['national_id_encrypted']).toMatch(/^v1:[^:]+:/);
    expect(stored['national_id_encrypted']).not.toContain('19850101');
    expect(stored['national_id_hash']).toMatch(/^[0-9a-f]{64}$/);
    expect(stored['insurance_number_encrypted']).not.toContain('7781');
    expect(stored['insurance_number_plaintext']).toBeNull();
    const dump = JSON.stringify(
      await raw('SELECT to_jsonb(p) AS row FROM patients p WHERE id = $1', [patient.id]),
    );
    expect(dump).not.toContain('19850101');

    expect(await search('se 19850101 2384')).toEqual([patient.id]);
    expect(await search('ins7781')).toEqual([patient.id]);
    expect(await search('SE-19850101-2385')).toEqual([]);

    const cleared = await api(
      t,
      staff,
      'PATCH',
      `/api/v1/patients/${patient.id}`,
      { nationalId: null },
      {
        'if-match': read.headers['etag'] as string,
      },
    );
    expect(cleared.json().nationalId).toBeNull();
    expect(await search('SE-19850101-2384')).toEqual([]);
  });

  it('encrypts coverage and claim policy numbers, finds by them and keeps a policy unique per payer', async () => {
    const patient = await registerPatient(t, staff, { name: 'Oskar Berg' });
    const coverage = await addCoverage(t, finance, patient.id, {
      provider: 'Nordic Care',
      policyNumber: 'NC-55-0912',
    });
    expect(coverage.policyNumber).toBe('NC-55-0912');
    const stored = await raw('SELECT policy_number_encrypted FROM insurance_coverages WHERE id = $1', [
      coverage.id,
    ]);
    expect(stored['policy_number_encrypted']).not.toContain('0912');
    expect(await search('nc 55 0912')).toEqual([patient.id]);

    const again = await api(t, finance, 'POST', `/api/v1/patients/${patient.id}/coverages`, {
      provider: 'nordic care',
      policyNumber: 'NC550912',
      coverageBasisPoints: 5000,
      validFrom: '2001-01-01',
    });
    expect(again.statusCode).toBe(409);

    const invoice = await issuedInvoice(t, finance, patient.id);
    const claim = await api(t, finance, 'POST', '/api/v1/claims', { invoiceId: invoice.id });
    expect(claim.statusCode, claim.body).toBe(201);
    expect(claim.json().policyNumber).toBe('NC-55-0912');
    const claimRow = await raw('SELECT policy_number_encrypted FROM claims WHERE id = $1', [claim.json().id]);
    expect(claimRow['policy_number_encrypted']).toMatch(/^v1:/);
    expect(claimRow['policy_number_encrypted']).not.toContain('0912');
    const exported = await api(
      t,
      finance,
      'GET',
      `/api/v1/claims/export?payer=${encodeURIComponent('Nordic Care')}`,
    );
    expect(exported.body).toContain('NC-55-0912');
  });

  it('encrypts plaintext left by the migration, on start or by rotate-key', async () => {
    const patient = await registerPatient(t, staff, { name: 'Legacy Plaintext' });
    // As a row written before migration 0017 looks after it: the number in the *_plaintext column.
    await t.database.db.query(
      `UPDATE patients SET insurance_number_plaintext = 'OLD-42', insurance_number_encrypted = NULL,
              insurance_number_hash = NULL WHERE id = $1`,
      [patient.id],
    );
    const before = await api(t, staff, 'GET', `/api/v1/patients/${patient.id}`);
    expect(before.json().insuranceNumber).toBe('OLD-42');

    const result = await t.app.services.fieldEncryption.encryptPlaintext();
    expect(result.reencrypted).toBeGreaterThanOrEqual(1);
    expect(result.remaining).toBe(0);
    const stored = await raw(
      'SELECT insurance_number_plaintext, insurance_number_encrypted FROM patients WHERE id = $1',
      [patient.id],
    );
    expect(stored['insurance_number_plaintext']).toBeNull();
    expect(stored['insurance_number_encrypted']).not.toContain('OLD-42');
    expect(await search('old-42')).toEqual([patient.id]);
  });

  it('leaves old policy numbers that become duplicates in plaintext and names them, encrypting the rest', async () => {
    const patient = await registerPatient(t, staff, { name: 'Two Cards' });
    const coverages = await t.database.db.query<{ id: string }>(
      `INSERT INTO insurance_coverages (patient_id, provider, policy_number_plaintext, coverage_basis_points, valid_from)
       VALUES ($1, 'Old Payer', 'DUP-1', 5000, '2010-01-01'), ($1, 'Old Payer', 'dup 1', 5000, '2011-01-01'),
              ($1, 'Old Payer', 'OTHER-9', 5000, '2012-01-01')
       RETURNING id`,
      [patient.id],
    );
    const result = await t.app.services.fieldEncryption.encryptPlaintext({ batchSize: 10 });
    expect(result.conflicts).toEqual([
      { field: 'insurance_coverages.policy_number', id: expect.any(String) as string },
    ]);
    expect(result.remaining).toBe(1);
    const left = await raw('SELECT policy_number_plaintext FROM insurance_coverages WHERE id = $1', [
      result.conflicts[0]!.id,
    ]);
    expect(['DUP-1', 'dup 1']).toContain(left['policy_number_plaintext']);
    const other = await raw('SELECT policy_number_encrypted FROM insurance_coverages WHERE id = $1', [
      coverages.rows[2]!.id,
    ]);
    expect(other['policy_number_encrypted']).toMatch(/^v1:/);

    // Once corrected, the next pass encrypts it.
    await t.database.db.query(
      "UPDATE insurance_coverages SET policy_number_plaintext = 'DUP-2' WHERE id = $1",
      [result.conflicts[0]!.id],
    );
    expect((await t.app.services.fieldEncryption.encryptPlaintext()).remaining).toBe(0);
  });

  it('rotate-key moves every value to the new key in resumable batches; the old key can then go', async () => {
    for (let index = 0; index < 5; index++) {
      await registerPatient(t, staff, { name: `Rotation Patient${index}`, nationalId: `ROT-${index}` });
    }
    const file = t.config.security.encryption.keyFile;
    const oldKeyId = readKeyFile(file).activeKeyId;
    const newKeyId = appendKey(file);
    const cipher = new FieldCipher(readKeyFile(file));
    const rotation = new FieldEncryptionService(t.database.db, cipher, t.app.services.audit);
    const context = commandLineContext('test');

    // A run that dies after its first batch leaves committed batches behind; the next run finishes.
    let batches = 0;
    await expect(
      rotation.rotate(context, {
        batchSize: 2,
        onProgress: () => {
          if (++batches === 1) throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    const partly = await rotation.keyUsage();
    expect(partly['patients.national_id']![newKeyId]).toBe(2);

    const progress: number[] = [];
    const result = await rotation.rotate(context, { batchSize: 2, onProgress: (p) => progress.push(p.done) });
    expect(result.remaining).toBe(0);
    expect(result.retiredKeys).toContain(oldKeyId);
    expect(progress.length).toBeGreaterThan(1);
    for (const counts of Object.values(result.byKey)) {
      expect(Object.keys(counts).filter((keyId) => keyId !== newKeyId)).toEqual([]);
    }
    const values = await t.database.db.query<{ value: string }>(
      `SELECT national_id_encrypted AS value FROM patients WHERE national_id_encrypted IS NOT NULL
       UNION ALL SELECT policy_number_encrypted FROM insurance_coverages
       UNION ALL SELECT policy_number_encrypted FROM claims`,
    );
    expect(values.rows.length).toBeGreaterThan(5);
    expect(values.rows.every((row) => keyIdOf(row.value) === newKeyId)).toBe(true);

    // Remove the old key from the file: a MediSys on that file still reads and finds everything.
    const lines = readFileSync(file, 'utf8').split('\n');
    writeFileSync(file, lines.filter((line) => !line.startsWith(`${oldKeyId}=`)).join('\n'), { mode: 0o600 });
    const newOnly = new FieldCipher(readKeyFile(file));
    expect(newOnly.keyIds()).toEqual([newKeyId]);
    await new FieldEncryptionService(t.database.db, newOnly, t.app.services.audit).checkKeyFile();
    const app = await buildApp(t.config, { db: t.database.db, loggers: t.loggers, fieldCipher: newOnly });
    try {
      const listed = await app.api.inject({
        method: 'GET',
        url: `/api/v1/patients?q=ROT-3`,
        headers: { authorization: `Bearer ${staff}` },
      });
      expect(listed.json().items).toHaveLength(1);
      const read = await app.api.inject({
        method: 'GET',
        url: `/api/v1/patients/${listed.json().items[0].id}`,
        headers: { authorization: `Bearer ${staff}` },
      });
      expect(read.json().nationalId).toBe('ROT-3');
    } finally {
      await app.close();
    }
    const audited = await raw(
      "SELECT count(*)::int AS n FROM audit_events WHERE action = 'ENCRYPTION_KEY_ROTATED' AND outcome = 'success'",
      [],
    );
    expect(Number(audited['n'])).toBeGreaterThanOrEqual(1);
  });

  it('refuses a key file that lacks a key the database uses', async () => {
    const stranger = new FieldCipher(
      parseKeyFile(`other=${Buffer.alloc(32, 7).toString('base64')}`, 'x.keys'),
    );
    await expect(
      new FieldEncryptionService(t.database.db, stranger, t.app.services.audit).checkKeyFile(),
    ).rejects.toThrow(/holds values encrypted with key .*, which is not in x\.keys/);
  });
});
