// A job posting: title, company, salary, location, remote policy; skills; the hiring manager; benefits.
import type { Rng } from '../prng.js';
import { COMPANIES } from '../lexicon.js';
import { thingCtx } from '../subject.js';
import { drawIsoDate, sayCount, sayDate, sayList, sayNumber } from '../surface.js';
import { boolLeaf, dateLeaf, enumLeaf, intLeaf, stringLeaf, type DrawnObject, type Family } from '../field.js';
import type { Ctx } from '../subject.js';
import { addressObject, contactObject } from '../shared-fields.js';

const TITLES = ['Backend Engineer', 'Nurse Practitioner', 'Sales Manager', 'Data Analyst', 'UX Designer', 'Accountant',
  'Warehouse Supervisor', 'Marketing Specialist', 'Electrician', 'Product Manager', 'Chef de Partie', 'HR Coordinator'];
const SKILLS = ['Python', 'SQL', 'Excel', 'customer service', 'project management', 'TypeScript', 'negotiation', 'Figma',
  'first aid', 'forklift license', 'Spanish', 'bookkeeping', 'Kubernetes', 'copywriting'];
type JobCtx = Ctx & { title: string };

export const jobPosting: Family = {
  name: 'job_posting',
  context(r: Rng): JobCtx {
    const title = r.pick(TITLES);
    return { ...thingCtx([`the ${title} role`, 'the position', 'the role']), title };
  },
  leaves: [
    stringLeaf('job_title', 'job title', (_r, c) => (c as JobCtx).title, ['We are hiring a {v}.', 'Position: {v}.', 'Open role: {v}.']),
    stringLeaf('company', 'company', (r) => r.pick(COMPANIES), ['{v} is looking for help.', 'Company: {v}.', 'The employer is {v}.'],
      { decoys: ['Applicants from {v} are welcome too.', 'The role was first advertised by {v}, a recruiting partner.'] }),
    stringLeaf('department', 'department', (r) => r.pick(['Engineering', 'Finance', 'Customer Success', 'Logistics', 'Clinical Services', 'Marketing']),
      ['The role sits in the {v} team.', 'Department: {v}.'], { decoys: ['You will work closely with the {v} team.'] }),
    intLeaf('salary_min', 'minimum salary', 30000, 80000, ['Pay starts at {v} a year.', 'Salary from {v}.'],
      { surface: (v, r) => `$${sayNumber(Number(v), r)}`, decoys: ['Interns earn {v}.'] }),
    intLeaf('salary_max', 'maximum salary', 80000, 200000, ['Pay goes up to {v} a year.', 'The top of the range is {v}.'],
      { surface: (v, r) => `$${sayNumber(Number(v), r)}`, decoys: ['The team lead earns around {v}.'] }),
    intLeaf('experience_years', 'required years of experience', 0, 10, ['At least {v} years of experience are required.', 'Experience: {v}+ years.'],
      { surface: (v, r) => sayCount(Number(v), r), decoys: ['The current team averages {v} years.'] }),
    dateLeaf('application_deadline', 'application deadline', (r) => drawIsoDate(r, 2024, 2026), sayDate, ['Apply by {v}.', 'Deadline: {v}.', 'Applications close on {v}.'],
      { decoys: ['Interviews start on {v}.', 'The role starts on {v}.'] }),
    intLeaf('openings', 'number of openings', 1, 6, ['There are {v} openings.', 'We are filling {v} positions.'], { surface: (v, r) => sayCount(Number(v), r) }),
    boolLeaf('visa_sponsorship', 'visa sponsorship', ['Visa sponsorship is available.', 'We sponsor visas.'], ['No visa sponsorship is offered.', 'We cannot sponsor visas.']),
  ],
  enums: [
    enumLeaf('employment_type', 'employment type', ['full_time', 'part_time', 'contract', 'internship'], ['This is a {v} role.', 'Type: {v}.'],
      (v) => v.replace('_', '-')),
    enumLeaf('remote_policy', 'remote policy', ['onsite', 'hybrid', 'remote'], ['Work mode: {v}.', 'The role is {v}.'],
      (v, r) => (v === 'onsite' ? r.pick(['onsite', 'on-site']) : v)),
  ],
  lists: [
    { kind: 'list', key: 'skills', label: 'skills', item: { type: 'string', maxLength: 40 }, maxItems: 6,
      draw: (r) => r.sample(SKILLS, r.int(1, 5)), templates: ['Required skills: {v}.', 'You should know {v}.', 'We need {v}.'] },
    { kind: 'list', key: 'benefits', label: 'benefits', item: { type: 'string', maxLength: 40 }, maxItems: 6,
      draw: (r) => r.sample(['health insurance', 'gym membership', 'stock options', 'paid parental leave', 'free lunch', 'pension plan'], r.int(1, 4)),
      templates: ['Benefits: {v}.', 'We offer {v}.'] },
  ],
  objects: [
    {
      kind: 'object', key: 'office', label: 'office',
      children: [
        stringLeaf('building', 'building', (r) => r.pick(['Tower A', 'the Innovation Hub', 'Dock 5', 'the Riverside Campus']), ['{v}']),
        intLeaf('floor', 'floor', 1, 40, ['{v}']),
        addressObject('address', 'office address', ['The office address is', 'You would work at']),
      ],
      say(v: DrawnObject, r: Rng, ctx: Ctx): string {
        const out: string[] = [];
        if (v.building !== undefined) out.push(`The team sits in ${v.building}${v.floor !== undefined ? `, floor ${v.floor}` : ''}.`);
        else if (v.floor !== undefined) out.push(`The team is on floor ${v.floor}.`);
        const a = this.children[2];
        if (v.address !== undefined && a.kind === 'object') out.push(a.say(v.address as DrawnObject, r, ctx));
        return out.join(' ');
      },
    },
    contactObject('hiring_manager', 'hiring manager', 'hiring manager'),
  ],
  arrays: [
    {
      kind: 'array', key: 'interview_stages', label: 'interview stages', maxItems: 5,
      children: [
        stringLeaf('stage', 'stage', (r) => r.pick(['phone screen', 'technical test', 'panel interview', 'site visit', 'reference check']), ['{v}']),
        intLeaf('duration_minutes', 'stage length in minutes', 15, 180, ['{v}']),
        boolLeaf('remote', 'remote stage', ['remote'], ['in person']),
      ],
      count: (r) => r.int(1, 4),
      say(items: DrawnObject[], r: Rng): string {
        const said = items.map((s) => `a ${s.stage} (${s.duration_minutes} minutes, ${s.remote ? r.pick(['remote', 'online']) : r.pick(['in person', 'on site'])})`);
        return `The process has ${sayCount(items.length, r)} stage${items.length > 1 ? 's' : ''}: ${sayList(said, r)}.`;
      },
    },
  ],
  openers: ['Job advertisement.', 'Posted on the careers page today.', 'Help wanted!'],
  noise: ['We are an equal opportunity employer.', 'Our team won an award last year.', 'Coffee is on us.'],
};
