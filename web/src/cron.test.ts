import { describe, expect, it } from 'vitest';
import { describeCron, nextRuns, parseCron } from './cron';

const at = (s: string) => new Date(s); // local time, as the preview shows
const fmt = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')} ${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
const runs = (expr: string, from: string, n = 5) => nextRuns(parseCron(expr), at(from), n).map(fmt);

describe('cron expressions', () => {
  it('rejects what cron rejects, saying what is wrong', () => {
    expect(() => parseCron('* * * *')).toThrow('5 fields');
    expect(() => parseCron('60 * * * *')).toThrow('minute: 60 is outside 0-59');
    expect(() => parseCron('* 24 * * *')).toThrow('hour: 24 is outside 0-23');
    expect(() => parseCron('* * 0 * *')).toThrow('day of month: 0 is outside 1-31');
    expect(() => parseCron('* * * 13 *')).toThrow('month: 13');
    expect(() => parseCron('*/0 * * * *')).toThrow('step');
    expect(() => parseCron('5-1 * * * *')).toThrow('backwards');
    expect(() => parseCron('* * * foo *')).toThrow("month: 'foo' is not a number or a name");
    expect(() => parseCron('1,,2 * * * *')).toThrow('empty list item');
    expect(() => parseCron('@sometimes')).toThrow('Unknown schedule');
  });
  it('lists, ranges, steps, names, 7 = Sunday', () => {
    const s = parseCron('0,30 9-17/4 * jan-mar mon-fri');
    expect([...s.minute]).toEqual([0, 30]);
    expect([...s.hour]).toEqual([9, 13, 17]);
    expect([...s.month]).toEqual([1, 2, 3]);
    expect([...s.dow]).toEqual([1, 2, 3, 4, 5]);
    expect([...parseCron('0 0 * * 7').dow]).toEqual([0]);
    expect([...parseCron('0 0 * * SUN').dow]).toEqual([0]);
  });
  it('next runs', () => {
    expect(runs('*/15 * * * *', '2026-05-18T10:07:30', 3)).toEqual(['2026-05-18 10:15', '2026-05-18 10:30', '2026-05-18 10:45']);
    expect(runs('@daily', '2026-05-18T10:00:00', 2)).toEqual(['2026-05-19 00:00', '2026-05-20 00:00']);
    expect(runs('30 2 * * mon', '2026-05-18T10:00:00', 2)).toEqual(['2026-05-25 02:30', '2026-06-01 02:30']);
    expect(runs('0 0 29 2 *', '2026-01-01T00:00:00', 2)).toEqual(['2028-02-29 00:00', '2032-02-29 00:00']);
    // The time itself is not "next": strictly after.
    expect(runs('0 12 * * *', '2026-05-18T12:00:00', 1)).toEqual(['2026-05-19 12:00']);
  });
  it("both day fields restricted: either one (cron's rule)", () => {
    // The 1st of the month or any Friday.
    expect(runs('0 8 1 * fri', '2026-05-27T00:00:00', 3)).toEqual(['2026-05-29 08:00', '2026-06-01 08:00', '2026-06-05 08:00']);
  });
  it('describes expressions in words', () => {
    expect(describeCron('* * * * *')).toBe('Every minute');
    expect(describeCron('*/5 * * * *')).toBe('Every 5 minutes');
    expect(describeCron('@hourly')).toBe('Every hour at minute 0');
    expect(describeCron('30 2 * * *')).toBe('At 02:30');
    expect(describeCron('0 9,17 * * mon-fri')).toBe('At 09:00 and 17:00, on Monday, Tuesday, Wednesday, Thursday and Friday');
    expect(describeCron('0 0 1 1 *')).toBe('At 00:00, on day 1 of the month in January');
    expect(describeCron('15 */2 * * *')).toBe('At minute 15 of every 2 hours');
  });
});
