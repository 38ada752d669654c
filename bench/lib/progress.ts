/** Progress lines for long steps: rewritten in place on a terminal, one line per update otherwise. */
export class Progress {
  private lastLength = 0;
  private lastPrinted = 0;

  constructor(private readonly label: string) {}

  update(done: number, total: number): void {
    const now = Date.now();
    if (done < total && now - this.lastPrinted < (process.stdout.isTTY ? 200 : 5000)) return;
    this.lastPrinted = now;
    const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
    const line = `  ${this.label}: ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} (${percent}%)`;
    if (process.stdout.isTTY) {
      process.stdout.write(`\r${line.padEnd(this.lastLength)}`);
      this.lastLength = line.length;
      if (done >= total) process.stdout.write('\n');
    } else {
      process.stdout.write(`${line}\n`);
    }
  }
}

export function log(line: string): void {
  process.stdout.write(`${line}\n`);
}
