/** A backup, verification or restore that cannot go on; the message says what to do next. */
export class BackupError extends Error {
  override name = 'BackupError';
}
