// A person profile: contact details, age, job, languages, address, employer, education.
import type { Rng } from '../prng.js';
import { COMPANIES, email } from '../lexicon.js';
import { personCtx } from '../subject.js';
import { drawIsoDate, drawPhone, sayCount, sayDate, sayList, sayPhone } from '../surface.js';
import { boolLeaf, dateLeaf, enumLeaf, intLeaf, stringLeaf, type DrawnObject, type Family } from '../field.js';
import type { Ctx } from '../subject.js';
import { addressObject, contactObject } from '../shared-fields.js';

type PersonCtx = Ctx & { first: string; last: string; age: number };
/** The reference year the texts are written in, so age and birth year agree. */
const NOW_YEAR = 2025;
const JOBS = ['nurse', 'software engineer', 'teacher', 'accountant', 'chef', 'architect', 'electrician', 'pharmacist',
  'graphic designer', 'data analyst', 'lawyer', 'mechanic', 'journalist', 'dentist', 'librarian'];
const UNIVERSITIES = ['University of Toronto', 'MIT', 'University of Lagos', 'Sorbonne University', 'ETH Zurich',
  'University of Melbourne', 'Kyoto University', 'University of Edinburgh', 'TU Munich', 'University of Chile'];
const DEGREES = ['BSc', 'BA', 'MSc', 'MBA', 'PhD', 'MA'];

export const person: Family = {
  name: 'person',
  context: (r) => personCtx(r),
  leaves: [
    stringLeaf('full_name', 'full name', (_r, c) => c.refs[0], ['{v} filled in the form.', 'Name: {v}.', 'This profile belongs to {v}.']),
    intLeaf('age', 'age', 18, 75, ['{s} is {v} years old.', '{s}, aged {v}, signed up last week.', 'Age: {v}.', '{s} turned {v} this year.'],
      { draw: (_r, c) => (c as PersonCtx).age, drawDecoy: (r) => r.int(18, 75), decoys: ['{p} colleague {o} is {v}.', '{p} brother is {v} years old.', 'The previous applicant, {o}, was {v}.'] }),
    stringLeaf('email', 'email address', (r, c) => email((c as PersonCtx).first, (c as PersonCtx).last, r),
      ['{p} email is {v}.', 'You can write to {s} at {v}.', 'Email: {v}.'],
      { decoys: ['Replies go to the office inbox, {v}, which is not personal.', 'The old address {v} is no longer used.'] }),
    { ...stringLeaf('phone', 'phone number', (r) => drawPhone(r), ['{p} phone number is {v}.', 'Call {s} on {v}.', 'Phone: {v}.'],
      { decoys: ['The front desk number, {v}, should not be used for personal calls.', 'For emergencies, call {o} at {v}.'] }),
      surface: (v, r) => sayPhone(String(v), r) },
    stringLeaf('occupation', 'occupation', (r) => r.pick(JOBS), ['{s} works as a {v}.', 'Occupation: {v}.', 'By profession {s} is a {v}.'],
      { decoys: ['{p} partner is a {v}.', '{s} once wanted to be a {v}, but changed course.'] }),
    intLeaf('years_experience', 'years of experience', 1, 35, ['{s} has {v} years of experience.', 'Experience: {v} years.'],
      { surface: (v, r) => sayCount(Number(v), r), decoys: ['{p} mentor has {v} years in the field.'] }),
    dateLeaf('birth_date', 'date of birth', (r, c) => { const y = NOW_YEAR - (c as PersonCtx).age; return drawIsoDate(r, y, y); }, sayDate,
      ['{s} was born on {v}.', 'Date of birth: {v}.', '{p} birthday is {v}.'],
      { drawDecoy: (r) => drawIsoDate(r, 1950, 2007), decoys: ['{p} sister was born on {v}.', 'The form was first printed on {v}.'] }),
    intLeaf('height_cm', 'height in centimeters', 150, 200, ['{s} is {v} cm tall.', 'Height: {v} centimeters.', '{s} stands {v} cm.']),
    boolLeaf('newsletter_opt_in', 'newsletter consent', ['{s} agreed to receive the newsletter.', 'Newsletter: yes.'],
      ['{s} declined the newsletter.', 'Newsletter: no.', '{s} does not want any newsletter.']),
  ],
  enums: [
    enumLeaf('marital_status', 'marital status', ['single', 'married', 'divorced', 'widowed'],
      ['{s} is {v}.', 'Marital status: {v}.']),
    enumLeaf('preferred_contact', 'preferred contact method', ['email', 'phone', 'post'],
      ['{s} prefers to be contacted by {v}.', 'Preferred contact: {v}.'],
      (v, r) => (v === 'post' ? r.pick(['post', 'mail']) : v)),
  ],
  lists: [
    { kind: 'list', key: 'languages', label: 'languages', item: { type: 'string', maxLength: 40 }, maxItems: 6,
      draw: (r) => r.sample(['English', 'Spanish', 'French', 'German', 'Mandarin', 'Hindi', 'Arabic', 'Portuguese', 'Japanese', 'Swahili'], r.int(1, 4)),
      templates: ['{s} speaks {v}.', 'Languages: {v}.', '{s} is fluent in {v}.'] },
    { kind: 'list', key: 'hobbies', label: 'hobbies', item: { type: 'string', maxLength: 40 }, maxItems: 6,
      draw: (r) => r.sample(['hiking', 'chess', 'painting', 'cycling', 'cooking', 'photography', 'running', 'gardening', 'reading', 'swimming'], r.int(1, 4)),
      templates: ['In {p} free time {s} enjoys {v}.', 'Hobbies: {v}.', '{s} likes {v}.'] },
  ],
  objects: [
    addressObject('address', 'home address', ['{s} lives at', 'Home address:', '{p} address is']),
    {
      kind: 'object', key: 'employer', label: 'employer',
      children: [
        stringLeaf('company', 'employer name', (r) => r.pick(COMPANIES), ['{v}']),
        stringLeaf('department', 'department', (r) => r.pick(['Sales', 'Finance', 'Research', 'Operations', 'Marketing', 'IT']), ['{v}']),
        dateLeaf('start_date', 'start date', (r) => drawIsoDate(r, 2005, 2025), sayDate, ['{v}']),
        contactObject('manager', 'manager', 'manager'),
      ],
      say(v: DrawnObject, r: Rng, ctx: Ctx): string {
        const out: string[] = [];
        if (v.company !== undefined) out.push(`{s} is employed by ${v.company}${v.department !== undefined ? ` in the ${v.department} department` : ''}.`);
        else if (v.department !== undefined) out.push(`{s} works in the ${v.department} department.`);
        if (v.start_date !== undefined) out.push(r.pick([`{s} started there on ${sayDate(String(v.start_date), r)}.`, `Start date: ${sayDate(String(v.start_date), r)}.`]));
        const m = this.children[3];
        if (v.manager !== undefined && m.kind === 'object') out.push(m.say(v.manager as DrawnObject, r, ctx));
        return out.map((s) => s.replaceAll('{s}', r.pick(ctx.refs))).join(' ');
      },
    },
  ],
  arrays: [
    {
      kind: 'array', key: 'education', label: 'education', maxItems: 4,
      children: [
        stringLeaf('institution', 'institution', (r) => r.pick(UNIVERSITIES), ['{v}']),
        enumLeaf('degree', 'degree', DEGREES, ['{v}']),
        intLeaf('graduation_year', 'graduation year', 1975, 2025, ['{v}']),
      ],
      count: (r) => r.int(1, 3),
      say(items: DrawnObject[], r: Rng, ctx: Ctx): string {
        const said = items.map((e) => r.pick([
          `a ${e.degree} from ${e.institution} (${e.graduation_year})`,
          `a ${e.degree} at ${e.institution}, finished in ${e.graduation_year}`,
          `a ${e.degree} from ${e.institution} in ${e.graduation_year}`,
        ]));
        return `${r.pick(ctx.refs).replace(/^./, (c) => c.toUpperCase())} holds ${sayCount(items.length, r)} degree${items.length > 1 ? 's' : ''}: ${sayList(said, r)}.`;
      },
    },
  ],
  openers: ['Here is the sign-up form for {s}.', 'Profile notes, taken at the front desk.', 'New member record.',
    'Summary of the phone call with {s}.'],
  noise: ['The meeting room was booked until noon.', 'Ticket 4471 was closed the same day.', 'The form was scanned twice by mistake.',
    'It rained all afternoon.'],
};
