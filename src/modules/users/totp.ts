import { createHash, randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';

/** RFC 6238 as every authenticator app implements it: SHA-1, 6 digits, 30-second steps. */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** One step either side: a phone clock up to 30 s off, or a code typed as it changes, still works. */
export const TOTP_WINDOW_STEPS = 1;
export const RECOVERY_CODE_COUNT = 10;

const TOTP_SHAPE = /^\d{6}$/;
/** Crockford-like: no 0/O or 1/I, so a code read aloud or written down survives. */
const RECOVERY_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A new shared secret: 160 random bits (RFC 4226's recommendation), base32 as apps expect it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export function totpUri(secretBase32: string, issuer: string, username: string): string {
  return new TOTP({
    issuer,
    label: username,
    secret: Secret.fromBase32(secretBase32),
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  }).toString();
}

/** The RFC 6238 time step (counter) of an instant. */
export function totpStep(at: Date): number {
  return Math.floor(at.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/** Whether `code` looks like a TOTP code (6 digits, spaces allowed) rather than a recovery code. */
export function isTotpShaped(code: string): boolean {
  return TOTP_SHAPE.test(code.replace(/\s/g, ''));
}

/**
 * The time step at which `code` is valid for the secret, within one step of `at`; undefined when it
 * matches none. The caller must still refuse a step already used.
 */
export function matchTotp(secretBase32: string, code: string, at: Date): number | undefined {
  const token = code.replace(/\s/g, '');
  if (!TOTP_SHAPE.test(token)) return undefined;
  const delta = TOTP.validate({
    token,
    secret: Secret.fromBase32(secretBase32),
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    timestamp: at.getTime(),
    window: TOTP_WINDOW_STEPS,
  });
  return delta === null ? undefined : totpStep(at) + delta;
}

/** A QR code of the URI as SVG markup and as a data URL (for an <img>). */
export async function totpQrCode(uri: string): Promise<{ svg: string; dataUrl: string }> {
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { svg, dataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
}

/** Single-use recovery codes: 12 characters from 32 (60 random bits each), shown as XXXX-XXXX-XXXX. */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const characters = Array.from({ length: 12 }, () => RECOVERY_ALPHABET[randomInt(32)]!).join('');
    return `${characters.slice(0, 4)}-${characters.slice(4, 8)}-${characters.slice(8)}`;
  });
}

/** A recovery code as stored: upper case, without separators, SHA-256. Random codes need no slow hash. */
export function hashRecoveryCode(code: string): string {
  const normalised = code.toUpperCase().replace(/[\s-]/g, '');
  return createHash('sha256').update(`medisys-recovery:${normalised}`).digest('hex');
}
