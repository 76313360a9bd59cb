/** The instants a written date covers: `start` inclusive, `end` exclusive, both ISO-8601 in UTC. */
export interface DatePeriod {
  start: string;
  end: string;
}

/** `YYYY[-MM[-DD[Thh[:mm[:ss[.s{1,3}]]][Z|±hh:mm]]]]`; a time without an offset is UTC, as Auth0's dates are. */
const DATE_FORMAT =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

export const DATE_FORMAT_HINT = 'YYYY[-MM[-DD[Thh[:mm[:ss[.sss]]][Z|±hh:mm]]]]';

/**
 * Years kept well inside what both `Date#toISOString` and PostgreSQL's timestamptz read back, whatever the offset
 * or the one unit added for the end.
 */
const MIN_YEAR = 1000;
const MAX_YEAR = 9998;

/** [year, month (0-based), day, hours, minutes, seconds, milliseconds] */
type Fields = [number, number, number, number, number, number, number];

const utc = ([year, month, day, hours, minutes, seconds, ms]: Fields): Date => {
  const date = new Date(0);
  date.setUTCFullYear(year, month, day); // not Date.UTC, which reads years 0-99 as 19xx
  date.setUTCHours(hours, minutes, seconds, ms);
  return date;
};

const sameFields = (date: Date, fields: Fields): boolean =>
  [
    date.getUTCFullYear(),
    date.getUTCMonth(),
    date.getUTCDate(),
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
    date.getUTCMilliseconds(),
  ].every((value, i) => value === fields[i]);

const offsetMinutes = (zone: string | undefined): number | undefined => {
  if (zone === undefined || zone === 'Z') return 0;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(4, 6));
  if (hours > 23 || minutes > 59) return undefined;
  return (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
};

/**
 * A partial date stands for the whole period its precision names: `2018-12` is all of December 2018,
 * `2018-12-18T10` one hour, `…T10:00:00.5` 100 ms. Undefined when `text` is not such a date or names no real day.
 */
export function datePeriod(text: string): DatePeriod | undefined {
  const match = DATE_FORMAT.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hours, minutes, seconds, fraction, zone] = match;
  const fields: Fields = [
    Number(year),
    month === undefined ? 0 : Number(month) - 1,
    day === undefined ? 1 : Number(day),
    Number(hours ?? 0),
    Number(minutes ?? 0),
    Number(seconds ?? 0),
    fraction === undefined ? 0 : Number(fraction.padEnd(3, '0')),
  ];
  const offset = offsetMinutes(zone);
  const start = utc(fields);
  if (offset === undefined || fields[0] < MIN_YEAR || fields[0] > MAX_YEAR || !sameFields(start, fields)) {
    return undefined;
  }
  const precision = [year, month, day, hours, minutes, seconds, fraction].filter((f) => f !== undefined).length - 1;
  const endFields: Fields = [...fields];
  endFields[precision] += fraction === undefined ? 1 : 10 ** (3 - fraction.length);
  const shift = offset * 60_000;
  return {
    start: new Date(start.getTime() - shift).toISOString(),
    end: new Date(utc(endFields).getTime() - shift).toISOString(),
  };
}
