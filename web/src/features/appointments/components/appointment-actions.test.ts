import { describe, expect, it } from 'vitest';
import { availableActions, refusalTitle } from './appointment-actions';

const NOW = Date.parse('2030-07-15T10:00:00Z');

describe('appointment actions', () => {
  it('offers check-in, a move and cancelling for a scheduled appointment; a no-show once it has started', () => {
    expect(availableActions({ status: 'scheduled', start: '2030-07-15T11:00:00Z' }, NOW)).toEqual([
      'check-in',
      'reschedule',
      'cancel',
    ]);
    expect(availableActions({ status: 'scheduled', start: '2030-07-15T09:00:00Z' }, NOW)).toEqual([
      'check-in',
      'reschedule',
      'no-show',
      'cancel',
    ]);
  });

  it('offers completing or cancelling a checked-in visit, and nothing for a finished one', () => {
    const start = '2030-07-15T09:00:00Z';
    expect(availableActions({ status: 'checked_in', start }, NOW)).toEqual(['complete', 'cancel']);
    expect(availableActions({ status: 'completed', start }, NOW)).toEqual([]);
    expect(availableActions({ status: 'cancelled', start }, NOW)).toEqual([]);
    expect(availableActions({ status: 'no_show', start }, NOW)).toEqual([]);
  });

  it('titles a refusal by its cause', () => {
    const problem = (status: number) => ({ title: 'x', status, detail: 'y' });
    expect(refusalTitle(problem(409), 'book')).toBe('Not booked: the time is already taken');
    expect(refusalTitle(problem(422), 'book')).toBe('Not booked: the time cannot be booked');
    expect(refusalTitle(problem(409), 'reschedule')).toBe('Not moved: the time is already taken');
    expect(refusalTitle(problem(412), 'reschedule')).toBe('Someone changed this appointment meanwhile');
    expect(refusalTitle(undefined, 'book')).toBe('The appointment was not booked');
  });
});
