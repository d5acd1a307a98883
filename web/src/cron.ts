// Standard cron expressions, for the cron form's preview: what an
// expression means in words and its next run times. Five fields (minute
// hour day-of-month month day-of-week) with lists, ranges, steps, month and
// day names, the @hourly ... @yearly macros, and cron's rule that when both
// day fields are restricted a day matching either one runs. The panel's
// scheduler is the authority; this mirrors it for the preview.

export interface Schedule {
  minute: Set<number>;
  hour: Set<number>;
  dom: Set<number>;
  month: Set<number>;
  dow: Set<number>;
  domAny: boolean;
  dowAny: boolean;
}

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  namesFrom?: number;
}

const FIELDS: FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, namesFrom: 1 },
  { name: 'day of week', min: 0, max: 7, names: DAYS, namesFrom: 0 },
];

function value(text: string, f: FieldSpec): number {
  const lower = text.toLowerCase();
  if (f.names) {
    const i = f.names.indexOf(lower);
    if (i >= 0) return i + (f.namesFrom ?? 0);
  }
  if (!/^\d+$/.test(text)) throw new Error(`${f.name}: '${text}' is not a number${f.names ? ' or a name' : ''}`);
  const n = Number(text);
  if (n < f.min || n > f.max) throw new Error(`${f.name}: ${n} is outside ${f.min}-${f.max}`);
  return n;
}

function field(text: string, f: FieldSpec): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    if (part === '') throw new Error(`${f.name}: empty list item`);
    const [range, stepText, extra] = part.split('/');
    if (extra !== undefined) throw new Error(`${f.name}: '${part}' has two steps`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) throw new Error(`${f.name}: step '${stepText}' must be a positive number`);
      step = Number(stepText);
    }
    let lo: number, hi: number;
    if (range === '*') {
      lo = f.min;
      hi = f.name === 'day of week' ? 6 : f.max;
    } else if (range.includes('-')) {
      const [a, b, more] = range.split('-');
      if (more !== undefined || a === '' || b === '') throw new Error(`${f.name}: '${range}' is not a range`);
      lo = value(a, f);
      hi = value(b, f);
      if (lo > hi) throw new Error(`${f.name}: range ${range} runs backwards`);
    } else {
      lo = value(range, f);
      hi = stepText !== undefined ? (f.name === 'day of week' ? 6 : f.max) : lo;
    }
    for (let v = lo; v <= hi; v += step) out.add(f.name === 'day of week' && v === 7 ? 0 : v);
  }
  return out;
}

export function parseCron(expr: string): Schedule {
  const text = expr.trim();
  if (text === '') throw new Error('Schedule is required');
  let body = text;
  if (text.startsWith('@')) {
    body = MACROS[text.toLowerCase()];
    if (!body) throw new Error(`Unknown schedule '${text}' (use @hourly, @daily, @weekly, @monthly or @yearly)`);
  }
  const parts = body.split(/\s+/);
  if (parts.length !== 5) throw new Error(`A schedule has 5 fields (minute hour day month weekday), not ${parts.length}`);
  const sets = parts.map((p, i) => field(p, FIELDS[i]));
  return {
    minute: sets[0],
    hour: sets[1],
    dom: sets[2],
    month: sets[3],
    dow: sets[4],
    domAny: parts[2] === '*',
    dowAny: parts[4] === '*',
  };
}

function dayMatches(s: Schedule, d: Date): boolean {
  const dom = s.dom.has(d.getDate());
  const dow = s.dow.has(d.getDay());
  if (s.domAny && s.dowAny) return true;
  if (s.domAny) return dow;
  if (s.dowAny) return dom;
  return dom || dow; // cron: either day field matching is enough
}

// The next `count` run times strictly after `from` (local time).
export function nextRuns(s: Schedule, from: Date, count = 5): Date[] {
  const out: Date[] = [];
  const t = new Date(from.getTime());
  t.setSeconds(0, 0);
  t.setMinutes(t.getMinutes() + 1);
  const limit = from.getTime() + 30 * 366 * 24 * 3600 * 1000;
  while (out.length < count && t.getTime() < limit) {
    if (!s.month.has(t.getMonth() + 1)) {
      t.setMonth(t.getMonth() + 1, 1);
      t.setHours(0, 0, 0, 0);
    } else if (!dayMatches(s, t)) {
      t.setDate(t.getDate() + 1);
      t.setHours(0, 0, 0, 0);
    } else if (!s.hour.has(t.getHours())) {
      t.setHours(t.getHours() + 1, 0, 0, 0);
    } else if (!s.minute.has(t.getMinutes())) {
      t.setMinutes(t.getMinutes() + 1, 0, 0);
    } else {
      out.push(new Date(t.getTime()));
      t.setMinutes(t.getMinutes() + 1, 0, 0);
    }
  }
  return out;
}

const two = (n: number) => String(n).padStart(2, '0');
const list = (xs: string[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);
const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b);

function every(s: Set<number>, min: number, max: number): number | null {
  const v = sorted(s);
  if (v[0] !== min || v.length < 2) return null;
  const step = v[1] - v[0];
  if (v.some((x, i) => x !== min + i * step)) return null;
  return v[v.length - 1] + step > max ? step : null;
}

// A short English description of an expression (or the parse error).
export function describeCron(expr: string): string {
  const s = parseCron(expr);
  const mins = sorted(s.minute);
  const hours = sorted(s.hour);
  let time: string;
  if (s.minute.size === 60 && s.hour.size === 24) time = 'Every minute';
  else if (s.hour.size === 24) {
    const step = every(s.minute, 0, 59);
    time = step ? `Every ${step} minutes` : `Every hour at minute ${list(mins.map(String))}`;
  } else if (mins.length * hours.length <= 6) {
    time = `At ${list(hours.flatMap((h) => mins.map((m) => `${two(h)}:${two(m)}`)))}`;
  } else {
    const step = every(s.hour, 0, 23);
    const minuteText = s.minute.size === 60 ? 'every minute' : `minute ${list(mins.map(String))}`;
    time = `At ${minuteText} ${step ? `of every ${step} hours` : `past hour ${list(hours.map(String))}`}`;
  }
  const days: string[] = [];
  if (!s.domAny) days.push(`on day ${list(sorted(s.dom).map(String))} of the month`);
  if (!s.dowAny) days.push(`on ${list(sorted(s.dow).map((d) => DAY_NAMES[d]))}`);
  let when = days.join(' or ');
  if (s.month.size < 12) when += `${when ? ' ' : ''}in ${list(sorted(s.month).map((m) => MONTH_NAMES[m - 1]))}`;
  return when ? `${time}, ${when}` : time;
}
