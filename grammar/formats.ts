// String formats enforced by the grammar, each as an automaton that accepts exactly (or, where noted, a
// documented subset of) what ajv-formats' "full" mode accepts, so every emitted string passes the final
// ajv check. Calendar dates are exact (month lengths, Feb 29 only in leap years: divisible by 4, not by
// 100 unless by 400), times check hour <= 23, minute <= 59, second <= 59 and offsets <= 23:59.
// Automata are built on first use and shared.

import { parsePattern } from './regex.js';
import { patternsDfa, type StringDfa } from './string-dfa.js';

const MONTH_DAY =
  '(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|02-(?:0[1-9]|1\\d|2[0-8]))';
const LEAP_YEAR = '(?:\\d\\d(?:0[48]|[2468][048]|[13579][26])|(?:0[048]|[2468][048]|[13579][26])00)';
const DATE = `(?:\\d{4}-${MONTH_DAY}|${LEAP_YEAR}-02-29)`;
// RFC 3339 offsets (ajv also takes "+01" and "+0100"; the grammar emits the strict form).
const OFFSET = '(?:[zZ]|[+-](?:[01]\\d|2[0-3]):[0-5]\\d)';
// Leap seconds are emitted only where ajv accepts them without arithmetic: 23:59:60 at UTC.
const TIME =
  `(?:(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?${OFFSET}|23:59:60(?:\\.\\d+)?(?:[zZ]|[+-]00:00))`;
// ajv splits date-time on /t|\s/i: exactly one 't', 'T' or white-space character.
const DATE_TIME = `${DATE}[tT\\s]${TIME}`;
// RFC 3339 appendix A: a unit may only be followed by the next smaller one (P1Y2D is not a duration).
const DUR_DATE = '(?:\\d+Y(?:\\d+M(?:\\d+D)?)?|\\d+M(?:\\d+D)?|\\d+D)';
const DUR_TIME = 'T(?:\\d+H(?:\\d+M(?:\\d+S)?)?|\\d+M(?:\\d+S)?|\\d+S)';
const DURATION = `P(?:${DUR_DATE}(?:${DUR_TIME})?|${DUR_TIME}|\\d+W)`;
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = `(?:${OCTET}\\.){3}${OCTET}`;
const H16 = '[0-9a-fA-F]{1,4}';
// ajv-formats' ipv6 expression, restated.
const IPV6 = `(?:(?:${H16}:){7}(?:${H16}|:)|(?:${H16}:){6}(?::${H16}|${IPV4}|:)|(?:${H16}:){5}(?:(?::${H16}){1,2}|:${IPV4}|:)|(?:${H16}:){4}(?:(?::${H16}){1,3}|(?::${H16})?:${IPV4}|:)|(?:${H16}:){3}(?:(?::${H16}){1,4}|(?::${H16}){0,2}:${IPV4}|:)|(?:${H16}:){2}(?:(?::${H16}){1,5}|(?::${H16}){0,3}:${IPV4}|:)|(?:${H16}:){1}(?:(?::${H16}){1,6}|(?::${H16}){0,4}:${IPV4}|:)|:(?:(?::${H16}){1,7}|(?::${H16}){0,5}:${IPV4}|:))`;
const EMAIL_LOCAL = "[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]+";
const EMAIL = `${EMAIL_LOCAL}(?:\\.${EMAIL_LOCAL})*@(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?\\.)+[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?`;
// ajv also takes a urn:uuid: prefix; RFC 4122's string form (and the test suite) does not.
const UUID = '[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}';
// hostname: ajv's expression without its (?=.{1,253}\.?$) look-ahead, which becomes a length bound,
// without the trailing dot, and without labels with "--" in the third and fourth place (reserved by RFC
// 5891 for A-labels, whose Punycode rules a grammar cannot check).
const AN = '[a-zA-Z0-9]';
const AH = '[a-zA-Z0-9-]';
const LABEL = `${AN}(?:${AN}|${AH}${AN}|${AH}(?:${AN}${AN}|-${AN})|${AH}(?:${AN}${AN}|${AN}-|-${AN})${AH}{0,58}${AN})?`;
const HOSTNAME = `${LABEL}(?:\\.${LABEL})*`;
// uri: a subset of ajv's RFC 3986 expression: scheme ":" then an optional "//" authority (host name or
// IPv4, optional port), a path, query and fragment from the unreserved / sub-delims / pct-encoded sets.
const PCHAR = "(?:[a-zA-Z0-9\\-._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})";
const URI =
  `[a-zA-Z][a-zA-Z0-9+\\-.]*:(?://(?:(?:[a-zA-Z0-9\\-._~!$&'()*+,;=:]|%[0-9a-fA-F]{2})*@)?(?:\\[${IPV6}\\]|${IPV4}|(?:[a-zA-Z0-9\\-._~!$&'()*+,;=]|%[0-9a-fA-F]{2})*)(?::\\d*)?(?:/${PCHAR}*)*|/(?:${PCHAR}+(?:/${PCHAR}*)*)?|${PCHAR}+(?:/${PCHAR}*)*)(?:\\?(?:${PCHAR}|[/?])*)?(?:#(?:${PCHAR}|[/?])*)?`;
const JSON_POINTER = '(?:/(?:[^~/]|~0|~1)*)*';
const RELATIVE_JSON_POINTER = '(?:0|[1-9][0-9]*)(?:#|(?:/(?:[^~/]|~0|~1)*)*)';
const BYTE = '(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?';

interface FormatDef { source: string; maxLength?: number }

const FORMATS: Record<string, FormatDef> = {
  date: { source: DATE },
  time: { source: TIME },
  'date-time': { source: DATE_TIME },
  duration: { source: DURATION },
  email: { source: EMAIL },
  hostname: { source: HOSTNAME, maxLength: 253 },
  ipv4: { source: IPV4 },
  ipv6: { source: IPV6 },
  uuid: { source: UUID },
  uri: { source: URI },
  'json-pointer': { source: JSON_POINTER },
  'relative-json-pointer': { source: RELATIVE_JSON_POINTER },
  byte: { source: BYTE },
};

/** Formats ajv-formats checks that carry no string constraint. */
const UNCONSTRAINED = new Set(['password', 'binary']);
/** Formats ajv-formats checks that the grammar cannot express: refused like an unsupported keyword. */
const INEXPRESSIBLE_FORMATS = new Set(['regex', 'uri-reference', 'uri-template', 'iso-time', 'iso-date-time', 'url',
  'json-pointer-uri-fragment']);
/** Numeric formats ajv-formats checks (the compiler turns them into ranges / integrality). */
const NUMERIC_FORMATS = new Set(['int32', 'int64', 'float', 'double']);

export type FormatLookup =
  | { kind: 'dfa'; dfa: StringDfa; maxLength?: number }
  | { kind: 'none' } // nothing to enforce (or a numeric format, handled elsewhere)
  | { kind: 'unknown' } // ajv does not know it either: an annotation
  | { kind: 'inexpressible' };

const built = new Map<string, StringDfa>();

export function lookupFormat(name: string): FormatLookup {
  const def = FORMATS[name];
  if (def) {
    let dfa = built.get(name);
    if (!dfa) {
      dfa = patternsDfa([parsePattern(`^${def.source}$`)]);
      built.set(name, dfa);
    }
    return { kind: 'dfa', dfa, maxLength: def.maxLength };
  }
  if (UNCONSTRAINED.has(name) || NUMERIC_FORMATS.has(name)) return { kind: 'none' };
  if (INEXPRESSIBLE_FORMATS.has(name)) return { kind: 'inexpressible' };
  return { kind: 'unknown' };
}

/** The formats the grammar enforces. */
export const ENFORCED_FORMATS = Object.keys(FORMATS);
