import { parseArgs } from 'node:util';
import type { AppConfig } from '../../config/load.js';
import { verifyAuditChain, type ChainHead } from '../../modules/audit/index.js';
import { withServices } from '../context.js';
import { EXIT_FAILURE, EXIT_OK, UsageError, type Output } from '../io.js';

const USAGE = `Usage:
  medisys audit verify [--anchor POSITION:HASH] [--no-seal] [--progress] [--format text|json]
      Walks the audit_events hash chain and names every edited, deleted or reordered row (exit 1).
      First seals rows committed since the last sealing pass (as a running MediSys does), unless
      --no-seal. --anchor checks a chain head logged earlier (AUDIT_CHAIN_SEALED in audit.log), which
      also finds the newest rows deleted.`;

function parseAnchor(text: string | undefined): ChainHead | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+):([0-9a-f]{64})$/.exec(text.trim());
  if (!match)
    throw new UsageError(`--anchor takes POSITION:HASH (a chainSeq and a 64-hex rowHash).\n${USAGE}`);
  return { chainSeq: Number(match[1]), rowHash: match[2]! };
}

export async function auditCommand(args: string[], config: AppConfig, output: Output): Promise<number> {
  const [action, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: {
      anchor: { type: 'string' },
      'no-seal': { type: 'boolean', default: false },
      progress: { type: 'boolean', default: false },
      format: { type: 'string', default: 'text' },
    },
  });
  if (action !== 'verify') {
    throw new UsageError(action ? `Unknown audit command "${action}".\n${USAGE}` : USAGE);
  }
  if (values.format !== 'text' && values.format !== 'json') {
    throw new UsageError(`--format is text or json.\n${USAGE}`);
  }
  const anchor = parseAnchor(values.anchor);
  const showProgress = (values.progress ?? false) || process.stderr.isTTY;
  return withServices(config, async ({ db, services }) => {
    const sealed = values['no-seal'] ? 0 : await services.auditSealer.sealPending();
    const result = await verifyAuditChain(db, {
      anchor,
      onProgress: showProgress
        ? (checked, total) => output.err(`  checked ${checked} of ${total}`)
        : undefined,
    });
    if (values.format === 'json') {
      output.out(
        JSON.stringify({ ...result, sealedNow: sealed, intact: result.findings.length === 0 }, null, 2),
      );
      return result.findings.length === 0 ? EXIT_OK : EXIT_FAILURE;
    }
    if (sealed > 0) output.out(`Sealed ${sealed} audit event(s) written since the last sealing pass.`);
    const head = result.head
      ? `chain head: position ${result.head.chainSeq}, hash ${result.head.rowHash}`
      : 'the chain is empty';
    const pending =
      result.unsealed > 0
        ? ` ${result.unsealed} newer event(s) are not sealed yet (oldest ${result.oldestUnsealedAt?.toISOString()}).`
        : '';
    if (result.findings.length === 0) {
      output.out(`Audit trail intact: ${result.checked} sealed event(s) checked; ${head}.${pending}`);
      return EXIT_OK;
    }
    for (const finding of result.findings) output.out(`TAMPERED (${finding.kind}): ${finding.message}`);
    output.err(
      `The audit trail was tampered with: ${result.findings.length} finding(s) in ${result.checked} sealed event(s). ` +
        'Keep this output, restrict database access, and compare with audit.log and the backups (docs/operations.md, Security Operations).',
    );
    return EXIT_FAILURE;
  });
}
