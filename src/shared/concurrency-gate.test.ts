import { describe, expect, it } from 'vitest';
import { ConcurrencyGate } from './concurrency-gate.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('concurrency gate', () => {
  it('runs at most its limit at once and the rest in arrival order, each as soon as a slot frees', async () => {
    const gate = new ConcurrencyGate(2);
    const releases = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    let inFlight = 0;
    let most = 0;
    const tasks = releases.map((release, index) =>
      gate.run(async () => {
        started.push(index);
        inFlight += 1;
        most = Math.max(most, inFlight);
        await release.promise;
        inFlight -= 1;
        return index;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(gate.queued).toBe(2);
    releases[1]!.resolve();
    await tasks[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    releases[0]!.resolve();
    releases[2]!.resolve();
    releases[3]!.resolve();
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3]);
    expect(started).toEqual([0, 1, 2, 3]);
    expect(most).toBe(2);
    expect(gate.queued).toBe(0);
  });

  it('frees the slot of a task that fails', async () => {
    const gate = new ConcurrencyGate(1);
    await expect(gate.run(async () => Promise.reject(new Error('argon2 failed')))).rejects.toThrow(
      'argon2 failed',
    );
    expect(await gate.run(async () => 'next')).toBe('next');
  });

  it('refuses a limit below one', () => {
    expect(() => new ConcurrencyGate(0)).toThrow('at least 1');
  });
});
