// A medical appointment: patient, doctor, date, time, clinic, reason; insurance; prescribed medications.
import type { Rng } from '../prng.js';
import { fullName } from '../lexicon.js';
import { personCtx } from '../subject.js';
import { drawIsoDate, drawTime, sayDate, sayList, sayTime } from '../surface.js';
import { boolLeaf, dateLeaf, enumLeaf, intLeaf, stringLeaf, type DrawnObject, type Family } from '../field.js';
import type { Ctx } from '../subject.js';
import { addressObject, contactObject } from '../shared-fields.js';

const REASONS = ['annual checkup', 'knee pain', 'persistent cough', 'blood test', 'vaccination', 'skin rash', 'back pain',
  'follow-up visit', 'migraine', 'allergy consultation'];
const DRUGS = ['ibuprofen', 'amoxicillin', 'loratadine', 'omeprazole', 'metformin', 'paracetamol', 'cetirizine', 'prednisone'];
type PatientCtx = Ctx & { first: string; last: string; age: number };

export const appointment: Family = {
  name: 'medical_appointment',
  context: (r) => personCtx(r),
  leaves: [
    stringLeaf('patient_name', 'patient name', (_r, c) => c.refs[0], ['Patient: {v}.', '{v} booked a visit.', 'The patient is {v}.']),
    intLeaf('patient_age', 'patient age', 18, 75, ['{s} is {v}.', 'Age: {v}.', 'The patient, {v} years old, called in.'],
      { draw: (_r, c) => (c as PatientCtx).age, drawDecoy: (r) => r.int(1, 90), decoys: ['{p} daughter, who is {v}, came along.', 'The previous patient was {v}.'] }),
    stringLeaf('doctor', 'doctor', (r) => `Dr. ${fullName(r)}`, ['{s} will see {v}.', 'Doctor: {v}.', 'The appointment is with {v}.'],
      { decoys: ['{v} is on leave that week.', 'The referral came from {v}.'] }),
    dateLeaf('date', 'appointment date', (r) => drawIsoDate(r, 2024, 2026), sayDate, ['The appointment is on {v}.', 'Date: {v}.', '{s} is booked for {v}.'],
      { decoys: ['The last visit was on {v}.', 'The lab results are expected on {v}.'] }),
    { ...stringLeaf('time', 'appointment time', (r) => drawTime(r), ['Please arrive at {v}.', 'Time: {v}.', 'The slot is at {v}.'],
      { decoys: ['The clinic closes at {v}.', 'An earlier slot at {v} was taken.'] }), surface: (v, r) => sayTime(String(v), r) },
    stringLeaf('reason', 'reason for visit', (r) => r.pick(REASONS), ['Reason for visit: {v}.', '{s} is coming in for {v}.', 'The visit is about {v}.'],
      { decoys: ['Last time the visit was for {v}.'] }),
    intLeaf('duration_minutes', 'duration in minutes', 10, 60, ['It is booked for {v} minutes.', 'Duration: {v} min.']),
    stringLeaf('room', 'room', (r) => `Room ${r.int(1, 30)}`, ['It takes place in {v}.', 'Go to {v}.'], { decoys: ['{v} is under renovation.'] }),
    boolLeaf('fasting_required', 'fasting requirement', ['{s} must fast beforehand.', 'Fasting is required.'], ['No fasting is needed.', '{s} may eat normally before.']),
  ],
  enums: [
    enumLeaf('visit_type', 'visit type', ['in_person', 'video', 'phone'], ['Visit type: {v}.', 'It is a {v} appointment.'], (v) => v.replace('_', '-')),
    enumLeaf('urgency', 'urgency', ['routine', 'urgent', 'emergency'], ['Urgency: {v}.', 'This is {v}.']),
  ],
  lists: [
    { kind: 'list', key: 'symptoms', label: 'symptoms', item: { type: 'string', maxLength: 40 }, maxItems: 5,
      draw: (r) => r.sample(['fever', 'fatigue', 'headache', 'nausea', 'dizziness', 'cough', 'sore throat', 'joint pain'], r.int(1, 4)),
      templates: ['Symptoms: {v}.', '{s} reports {v}.'] },
    { kind: 'list', key: 'allergies', label: 'allergies', item: { type: 'string', maxLength: 40 }, maxItems: 4,
      draw: (r) => r.sample(['penicillin', 'peanuts', 'latex', 'pollen', 'shellfish', 'aspirin'], r.int(1, 3)),
      templates: ['Known allergies: {v}.', '{s} is allergic to {v}.'] },
  ],
  objects: [
    {
      kind: 'object', key: 'insurance', label: 'insurance',
      children: [
        stringLeaf('provider', 'insurer', (r) => r.pick(['BlueShield', 'CarePlus', 'HealthFirst', 'Medica', 'Unity Health']), ['{v}']),
        stringLeaf('policy_number', 'policy number', (r) => `P${r.int(1000000, 9999999)}`, ['{v}']),
        contactObject('policy_holder', 'policy holder', 'policy holder'),
      ],
      say(v: DrawnObject, r: Rng, ctx: Ctx): string {
        const out: string[] = [];
        if (v.provider !== undefined) out.push(`Insurance is through ${v.provider}${v.policy_number !== undefined ? `, policy ${v.policy_number}` : ''}.`);
        else if (v.policy_number !== undefined) out.push(`Policy number: ${v.policy_number}.`);
        const h = this.children[2];
        if (v.policy_holder !== undefined && h.kind === 'object') out.push(h.say(v.policy_holder as DrawnObject, r, ctx));
        return out.join(' ');
      },
    },
    addressObject('clinic_address', 'clinic address', ['The clinic is at', 'Clinic address:']),
  ],
  arrays: [
    {
      kind: 'array', key: 'medications', label: 'medications', maxItems: 5,
      children: [
        stringLeaf('name', 'medication', (r) => r.pick(DRUGS), ['{v}']),
        intLeaf('dose_mg', 'dose in mg', 5, 1000, ['{v}']),
        intLeaf('times_per_day', 'times per day', 1, 4, ['{v}']),
      ],
      count: (r) => r.int(1, 3),
      say(items: DrawnObject[], r: Rng, ctx: Ctx): string {
        const freq = (n: unknown) => ['', 'once', 'twice', 'three times', 'four times'][Number(n)] + ' a day';
        const said = items.map((m) => r.pick([`${m.name} ${m.dose_mg} mg ${freq(m.times_per_day)}`, `${m.dose_mg} mg of ${m.name}, ${m.times_per_day}x daily`]));
        return `${r.pick(ctx.refs)} currently takes ${sayList(said, r)}.`.replace(/^./, (c) => c.toUpperCase());
      },
    },
  ],
  openers: ['Appointment booking note.', 'Message left with the reception desk.', 'Clinic intake form for {s}.'],
  noise: ['Parking is free for patients.', 'Please bring a photo ID.', 'The waiting room has been renovated.'],
};
