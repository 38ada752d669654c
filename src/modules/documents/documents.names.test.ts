import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/errors.js';
import { downloadFilename, sanitiseFilename, validateUploadFields } from './documents.names.js';

describe('document names', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\nurse\\scan 1.pdf', 'scan 1.pdf'],
    ['report\u202Efdp.exe', 'reportfdp.exe'],
    ['line\nbreak\u0000.png', 'linebreak.png'],
    ['..', null],
    ['   ', null],
    [undefined, null],
  ])('keeps only the last segment of %j, without control or direction characters', (input, expected) => {
    expect(sanitiseFilename(input)).toBe(expected);
  });

  it('gives downloads an ASCII name with the extension of the detected type', () => {
    const base = { id: '0f8fad5b-d9cb-469f-a165-70867728950e', title: 'Röntgen Thorax' };
    expect(downloadFilename({ ...base, originalFilename: 'evil".exe', contentType: 'image/png' })).toBe(
      'evil.png',
    );
    expect(downloadFilename({ ...base, originalFilename: null, contentType: 'application/pdf' })).toBe(
      'Rontgen-Thorax.pdf',
    );
    expect(downloadFilename({ ...base, originalFilename: 'блок.pdf', contentType: 'application/pdf' })).toBe(
      'document-0f8fad5b.pdf',
    );
  });

  it('defaults the title to the file name and the category to other (photo for photos)', () => {
    expect(validateUploadFields({}, 'referral-smith.pdf', false)).toEqual({
      title: 'referral-smith',
      category: 'other',
    });
    expect(validateUploadFields({}, null, true)).toEqual({ title: 'Patient photo', category: 'photo' });
    expect(validateUploadFields({ title: '  Consent  ', category: 'consent' }, null, false)).toEqual({
      title: 'Consent',
      category: 'consent',
    });
  });

  it('names every bad field', () => {
    const attempt = (): unknown =>
      validateUploadFields({ title: 'tab\there', category: 'lab_report' }, null, true);
    expect(attempt).toThrow(ValidationError);
    try {
      attempt();
    } catch (error) {
      expect((error as ValidationError).errors.map((e) => e.field)).toEqual(['category', 'title']);
    }
  });
});
