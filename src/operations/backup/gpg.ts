import { runTool, type Tool } from './processes.js';

/** gpg symmetric AES256 with the passphrase from a file: no prompt, no agent dialogue. */
function baseArgs(passphraseFile: string): string[] {
  return ['--batch', '--yes', '--quiet', '--pinentry-mode', 'loopback', '--passphrase-file', passphraseFile];
}

export function encrypt(passphraseFile: string, env: NodeJS.ProcessEnv = process.env): Tool {
  return runTool(
    'gpg',
    [
      ...baseArgs(passphraseFile),
      '--symmetric',
      '--cipher-algo',
      'AES256',
      '--compress-algo',
      '1',
      '--output',
      '-',
    ],
    env,
  );
}

/** Decrypts stdin to stdout; fails on a wrong passphrase, a corrupted or a truncated file (integrity check). */
export function decrypt(passphraseFile: string, env: NodeJS.ProcessEnv = process.env): Tool {
  return runTool('gpg', [...baseArgs(passphraseFile), '--decrypt', '--output', '-'], env);
}
