import type { DownloadedFile } from './api-client';

/**
 * Hands a downloaded file to the browser's save dialog: a temporary object URL on a hidden link with
 * `download`, released a minute later (the browser has started the save by then).
 */
export function saveFile(file: DownloadedFile): void {
  const url = URL.createObjectURL(file.blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = file.fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
