import { describe, expect, it } from 'vitest';
import { base32Decode, hotp, totpAt } from '../../../tests/support/totp.js';
import {
  hashRecoveryCode,
  isTotpShaped,
  matchTotp,
  newRecoveryCodes,
  newTotpSecret,
  totpQrCode,
  totpStep,
  totpUri,
} from './totp.js';

/** RFC 6238 Appendix B: the SHA-1 seed is the ASCII string "12345678901234567890". */
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const RFC_VECTORS: [seconds: number, eightDigits: string][] = [
  [59, '94287082'],
  [1_111_111_109, '07081804'],
  [1_111_111_111, '14050471'],
  [1_234_567_890, '89005924'],
  [2_000_000_000, '69279037'],
  [20_000_000_000, '65353130'],
];

describe('TOTP (RFC 6238, SHA-1, 30 s, 6 digits)', () => {
  it('has a test implementation that reproduces the RFC 6238 test vectors', () => {
    expect(base32Decode(RFC_SECRET).toString('ascii')).toBe('12345678901234567890');
    for (const [seconds, code] of RFC_VECTORS) {
      expect(totpAt(RFC_SECRET, new Date(seconds * 1000), 8)).toBe(code);
    }
    // RFC 4226 Appendix D, the HOTP vectors behind it.
    expect(hotp(base32Decode(RFC_SECRET), 0)).toBe('755224');
    expect(hotp(base32Decode(RFC_SECRET), 9)).toBe('520489');
  });

  it('accepts the 6-digit RFC vectors at their own time step', () => {
    for (const [seconds, code] of RFC_VECTORS) {
      const at = new Date(seconds * 1000);
      expect(matchTotp(RFC_SECRET, code.slice(-6), at)).toBe(totpStep(at));
    }
  });

  it('accepts one step either side and nothing further, and says which step matched', () => {
    const at = new Date(1_234_567_890_000);
    const step = totpStep(at);
    const codeAt = (offsetSteps: number): string =>
      totpAt(RFC_SECRET, new Date(at.getTime() + offsetSteps * 30_000));
    expect(matchTotp(RFC_SECRET, codeAt(-1), at)).toBe(step - 1);
    expect(matchTotp(RFC_SECRET, codeAt(1), at)).toBe(step + 1);
    expect(matchTotp(RFC_SECRET, codeAt(-2), at)).toBeUndefined();
    expect(matchTotp(RFC_SECRET, codeAt(2), at)).toBeUndefined();
    expect(matchTotp(RFC_SECRET, `${codeAt(0).slice(0, 3)} ${codeAt(0).slice(3)}`, at)).toBe(step);
    expect(matchTotp(RFC_SECRET, '12345', at)).toBeUndefined();
    expect(matchTotp(RFC_SECRET, 'abcdef', at)).toBeUndefined();
  });

  it('makes 160-bit secrets and an otpauth URI that an app reads as SHA1/6/30', () => {
    const secret = newTotpSecret();
    expect(base32Decode(secret)).toHaveLength(20);
    expect(newTotpSecret()).not.toBe(secret);
    const uri = new URL(totpUri(secret, 'St Mary Hospital', 'dr.who'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/St Mary Hospital:dr.who');
    expect(Object.fromEntries(uri.searchParams)).toMatchObject({
      secret,
      issuer: 'St Mary Hospital',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
  });

  it('draws the URI as an SVG QR code and as a data URL of the same SVG', async () => {
    const { svg, dataUrl } = await totpQrCode('otpauth://totp/MediSys:a?secret=JBSWY3DPEHPK3PXP');
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).not.toMatch(/<script/i);
    expect(dataUrl.startsWith('data:image/svg+xml;base64,')).toBe(true);
    expect(Buffer.from(dataUrl.split(',')[1]!, 'base64').toString()).toBe(svg);
  });
});

describe('recovery codes', () => {
  it('are ten distinct XXXX-XXXX-XXXX codes without look-alike characters', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) {
      expect(code).toMatch(/^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
      expect(isTotpShaped(code)).toBe(false);
    }
  });

  it('hash the same whatever the case, spaces or dashes, and differently from each other', () => {
    const [first, second] = newRecoveryCodes(2) as [string, string];
    expect(hashRecoveryCode(first)).toBe(hashRecoveryCode(first.toLowerCase().replace(/-/g, ' ')));
    expect(hashRecoveryCode(first)).not.toBe(hashRecoveryCode(second));
    expect(hashRecoveryCode(first)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashRecoveryCode(first)).not.toContain(first.replace(/-/g, ''));
  });
});
