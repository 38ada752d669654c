import { readFileSync } from 'node:fs';
import type { SecureContextOptions } from 'node:tls';
import type { AppConfig } from '../config/load.js';
import { ConfigError } from '../config/load.js';

/**
 * TLS 1.3's suites, then TLS 1.2's forward-secret AEAD suites only (Mozilla's "intermediate" list):
 * no CBC, no RSA key exchange, so testssl.sh finds no obsolete cipher.
 */
const CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/** What Fastify's `https` option takes: the key pair, and nothing older than TLS 1.2. */
export interface HttpsOptions extends SecureContextOptions {
  readonly key: Buffer;
  readonly cert: Buffer;
  readonly minVersion: 'TLSv1.2';
}

/**
 * The API's TLS settings from server.ssl.certificate and server.ssl.key, or undefined for plain HTTP.
 * TLS 1.0 and 1.1 are refused (minVersion). An unreadable file stops start-up with a message naming the key.
 */
export function httpsOptions(config: AppConfig): HttpsOptions | undefined {
  const ssl = config.server.ssl;
  if (!ssl) return undefined;
  const read = (file: string, key: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new ConfigError(
        `Cannot read ${key} file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}. Check the path and that the medisys user may read it.`,
        key,
      );
    }
  };
  return {
    cert: read(ssl.certificateFile, 'server.ssl.certificate'),
    key: read(ssl.keyFile, 'server.ssl.key'),
    minVersion: 'TLSv1.2',
    ciphers: CIPHERS,
    honorCipherOrder: true,
  };
}
