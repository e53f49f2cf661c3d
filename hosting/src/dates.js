// Dates in the reader's time zone: the one chosen on their profile (an IANA name),
// otherwise the browser's own. Every date the portal shows is formatted here.

let zone; // undefined: the browser's zone
const formatters = new Map();

/** Use `tz` (IANA name) for every date shown from now on; null/'' for the browser's zone. */
export function setTimeZone(tz) {
  let next;
  if (tz) {
    try {
      new Intl.DateTimeFormat(undefined, { timeZone: tz });
      next = tz;
    } catch {
      next = undefined; // a zone this browser does not know: its own
    }
  }
  if (next !== zone) {
    zone = next;
    formatters.clear();
  }
}

/** The zone dates are shown in (IANA name). */
export function timeZone() {
  return zone || Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** An Intl.DateTimeFormat in the reader's zone (cached per options). */
export function formatter(options) {
  const key = JSON.stringify(options);
  let fmt = formatters.get(key);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat(undefined, { timeZone: zone, ...options });
    formatters.set(key, fmt);
  }
  return fmt;
}

const BARE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * `{ date, day }`: a bare date (YYYY-MM-DD) is a calendar day, the same wherever one is
 * (kept as UTC midnight and formatted in UTC); anything else is an instant.
 */
export function parse(value) {
  if (!value) return null;
  const m = BARE.exec(value);
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : new Date(value);
  return Number.isNaN(date.getTime()) ? null : { date, day: !!m };
}

/** Format a parsed value: calendar days in UTC (so they never shift), instants in the zone. */
export function format(parsed, options) {
  if (parsed.day) {
    const dayOptions = Object.fromEntries(Object.entries(options).filter(([k]) => !['hour', 'minute', 'second', 'timeZoneName'].includes(k)));
    return new Intl.DateTimeFormat(undefined, { ...dayOptions, timeZone: 'UTC' }).format(parsed.date);
  }
  return formatter(options).format(parsed.date);
}

/** The calendar day of a parsed value in the reader's zone, as a UTC-midnight timestamp. */
function dayNumber(parsed) {
  if (parsed.day) return parsed.date.getTime();
  const parts = formatter({ year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(parsed.date);
  const get = (type) => Number((parts.find((p) => p.type === type) || {}).value);
  return Date.UTC(get('year'), get('month') - 1, get('day'));
}

/** Whole calendar days from today (in the reader's zone) to the value's day. */
export function daysFrom(parsed, now = new Date()) {
  return Math.round((dayNumber(parsed) - dayNumber({ date: now, day: false })) / 86400000);
}
