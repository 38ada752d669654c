import { parseArgs } from 'node:util';
import type { AppConfig } from '../../config/load.js';
import { appendKey, type EncryptionProgress } from '../../modules/security/index.js';
import { withServices } from '../context.js';
import { EXIT_FAILURE, EXIT_OK, UsageError, type Output } from '../io.js';

const USAGE = `Usage:
  medisys security add-key                 append a new key to the key file; it becomes the active key
  medisys security rotate-key [--batch-size N] [--progress]
                                           re-encrypt every national id and policy number with the
                                           active (last) key, in committed batches; resumable
  medisys security key-status              values per key, and the keys the database knows
The key file is security.encryption.key-file (default <data.dir>/keys/field-encryption.keys).`;

function usageLine(byKey: Readonly<Record<string, Readonly<Record<string, number>>>>): string[] {
  return Object.entries(byKey).map(([field, counts]) => {
    const parts = Object.entries(counts).map(([key, count]) => `${key}: ${count}`);
    return `  ${field.padEnd(34)} ${parts.length === 0 ? 'no values' : parts.join(', ')}`;
  });
}

function progressReporter(
  output: Output,
  forced: boolean,
): ((progress: EncryptionProgress) => void) | undefined {
  if (!forced && !process.stderr.isTTY) return undefined;
  return (progress) => output.err(`  ${progress.field}: ${progress.done} of ${progress.total}`);
}

export async function securityCommand(args: string[], config: AppConfig, output: Output): Promise<number> {
  const [action, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: { 'batch-size': { type: 'string' }, progress: { type: 'boolean', default: false } },
  });
  switch (action) {
    case 'add-key': {
      const keyId = appendKey(config.security.encryption.keyFile);
      output.out(`Added key ${keyId} to ${config.security.encryption.keyFile}; it is now the active key.`);
      output.out(
        'Next: give every instance this file and restart them (new values then use the new key), ' +
          'then run `medisys security rotate-key`. Back the file up.',
      );
      return EXIT_OK;
    }
    case 'rotate-key': {
      const batchSize = values['batch-size'] === undefined ? undefined : Number(values['batch-size']);
      if (
        batchSize !== undefined &&
        !(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= 10_000)
      ) {
        throw new UsageError(`--batch-size must be a whole number from 1 to 10000.\n${USAGE}`);
      }
      return withServices(config, async ({ services, context }) => {
        const encryption = services.fieldEncryption;
        output.out('Re-encrypting national ids and policy numbers with the active key...');
        const result = await encryption.rotate(context, {
          batchSize,
          onProgress: progressReporter(output, values.progress ?? false),
        });
        output.out(`${result.reencrypted} value(s) re-encrypted. Values per key now:`);
        usageLine(result.byKey).forEach((line) => output.out(line));
        if (result.retiredKeys.length > 0) {
          output.out(
            `No value needs key(s) ${result.retiredKeys.join(', ')} any more: you may remove their lines from the key file.`,
          );
        }
        if (result.remaining === 0) return EXIT_OK;
        for (const conflict of result.conflicts) {
          output.err(
            `  ${conflict.field} ${conflict.id}: equals another policy number of the same payer and patient; correct one of them.`,
          );
        }
        output.err(
          `${result.remaining} value(s) are still in plaintext or under an older key` +
            (result.conflicts.length > 0
              ? ' (see above).'
              : ' (written meanwhile by an instance still using the old key file: restart it).') +
            ' Then run `medisys security rotate-key` again.',
        );
        return EXIT_FAILURE;
      });
    }
    case 'key-status':
      return withServices(config, async ({ services }) => {
        output.out(`Key file ${config.security.encryption.keyFile}; values per key:`);
        usageLine(await services.fieldEncryption.keyUsage()).forEach((line) => output.out(line));
        return EXIT_OK;
      });
    case undefined:
    default:
      throw new UsageError(action ? `Unknown security command "${action}".\n${USAGE}` : USAGE);
  }
}
