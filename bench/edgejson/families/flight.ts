// A flight booking: flight number, airports, dates, times, seat, fare; passengers; the booking agent.
import type { Rng } from '../prng.js';
import { fullName } from '../lexicon.js';
import { thingCtx } from '../subject.js';
import { drawIsoDate, drawMoney, drawTime, sayCount, sayDate, sayList, sayMoney, sayTime } from '../surface.js';
import { boolLeaf, dateLeaf, enumLeaf, intLeaf, numberLeaf, stringLeaf, type DrawnObject, type Family } from '../field.js';
import type { Ctx } from '../subject.js';
import { addressObject, contactObject } from '../shared-fields.js';

const AIRPORTS = ['JFK', 'LAX', 'LHR', 'CDG', 'FRA', 'AMS', 'NRT', 'SIN', 'DXB', 'SYD', 'YYZ', 'MAD', 'ORD', 'GRU', 'NBO', 'BOM'];
const AIRLINES = ['SkyJet', 'Aero Nova', 'BlueWing', 'Pacific Air', 'Northstar Airways', 'Atlas Air'];
type FlightCtx = Ctx & { from: string; to: string };

export const flight: Family = {
  name: 'flight',
  context(r: Rng): FlightCtx {
    const [from, to] = r.sample(AIRPORTS, 2);
    return { ...thingCtx(['the flight', 'this booking', 'it']), from, to };
  },
  leaves: [
    stringLeaf('flight_number', 'flight number', (r) => `${r.pick(['SJ', 'AN', 'BW', 'PA', 'NS'])}${r.int(100, 9999)}`, ['Flight {v} is confirmed.', 'Flight number: {v}.', 'You are on {v}.'],
      { decoys: ['The connecting flight {v} is not part of this booking.', 'Flight {v} was cancelled earlier.'] }),
    stringLeaf('origin', 'origin airport', (_r, c) => (c as FlightCtx).from, ['It departs from {v}.', 'From: {v}.', 'Departure airport: {v}.'],
      { drawDecoy: (r) => r.pick(AIRPORTS), decoys: ['The layover is in {v}.'] }),
    stringLeaf('destination', 'destination airport', (_r, c) => (c as FlightCtx).to, ['It lands at {v}.', 'To: {v}.', 'Arrival airport: {v}.'],
      { drawDecoy: (r) => r.pick(AIRPORTS), decoys: ['Luggage may be routed through {v}.'] }),
    dateLeaf('departure_date', 'departure date', (r) => drawIsoDate(r, 2024, 2027), sayDate, ['It leaves on {v}.', 'Departure date: {v}.'],
      { decoys: ['The return flight is on {v}.', 'The booking was made on {v}.'] }),
    { ...stringLeaf('departure_time', 'departure time', (r) => drawTime(r), ['Departure is at {v}.', 'It takes off at {v}.'],
      { decoys: ['Boarding starts at {v}.', 'Check-in closes at {v}.'] }), surface: (v, r) => sayTime(String(v), r) },
    stringLeaf('seat', 'seat', (r) => `${r.int(1, 45)}${r.pick(['A', 'B', 'C', 'D', 'E', 'F'])}`, ['Seat {v} is assigned.', 'Seat: {v}.'],
      { decoys: ['Seat {v} was requested but is taken.'] }),
    { ...numberLeaf('fare', 'fare', (r) => drawMoney(r, 50, 2500), ['The fare is {v}.', 'Fare: {v}.', 'The ticket cost {v}.'],
      { decoys: ['An extra bag costs {v}.', 'The upgrade would cost {v}.'] }), surface: (v, r) => sayMoney(Number(v), r) },
    stringLeaf('airline', 'airline', (r) => r.pick(AIRLINES), ['It is operated by {v}.', 'Airline: {v}.'], { decoys: ['It is code-shared with {v}.'] }),
    intLeaf('checked_bags', 'checked bags', 0, 3, ['{v} checked bags are included.', 'Checked bags: {v}.'], { surface: (v, r) => sayCount(Number(v), r) }),
    boolLeaf('refundable', 'refundability', ['The ticket is refundable.', 'Refunds are allowed.'], ['The ticket is non-refundable.', 'No refunds.']),
  ],
  enums: [
    enumLeaf('cabin_class', 'cabin class', ['economy', 'premium_economy', 'business', 'first'], ['Cabin: {v}.', 'They fly {v}.', 'It is booked in {v} class.']),
    enumLeaf('trip_type', 'trip type', ['one_way', 'round_trip'], ['This is a {v} ticket.', 'Trip type: {v}.'], (v) => v.replace('_', '-')),
  ],
  lists: [
    { kind: 'list', key: 'meal_preferences', label: 'meal preferences', item: { type: 'string', maxLength: 40 }, maxItems: 3,
      draw: (r) => r.sample(['vegetarian', 'vegan', 'gluten-free', 'halal', 'kosher', 'low-sodium'], r.int(1, 2)),
      templates: ['Meals: {v}.', 'Requested meals: {v}.'] },
    { kind: 'list', key: 'layovers', label: 'layover airports', item: { type: 'string', maxLength: 10 }, maxItems: 3,
      draw: (r) => r.sample(AIRPORTS, r.int(1, 2)), templates: ['It stops in {v}.', 'Layovers: {v}.'] },
  ],
  objects: [
    {
      kind: 'object', key: 'booking', label: 'booking',
      children: [
        stringLeaf('reference', 'booking reference', (r) => `${String.fromCharCode(65 + r.int(0, 25))}${String.fromCharCode(65 + r.int(0, 25))}${r.int(1000, 9999)}`, ['{v}']),
        dateLeaf('booked_on', 'booking date', (r) => drawIsoDate(r, 2023, 2026), sayDate, ['{v}']),
        contactObject('agent', 'travel agent', 'travel agent'),
      ],
      say(v: DrawnObject, r: Rng, ctx: Ctx): string {
        const out: string[] = [];
        if (v.reference !== undefined) out.push(r.pick([`Booking reference ${v.reference}.`, `Your confirmation code is ${v.reference}.`]));
        if (v.booked_on !== undefined) out.push(`It was booked on ${sayDate(String(v.booked_on), r)}.`);
        const a = this.children[2];
        if (v.agent !== undefined && a.kind === 'object') out.push(a.say(v.agent as DrawnObject, r, ctx));
        return out.join(' ');
      },
    },
    addressObject('billing_address', 'billing address', ['The card is billed to', 'Billing address:']),
  ],
  arrays: [
    {
      kind: 'array', key: 'passengers', label: 'passengers', maxItems: 6,
      children: [
        stringLeaf('name', 'passenger name', (r) => fullName(r), ['{v}']),
        intLeaf('age', 'passenger age', 1, 85, ['{v}']),
        stringLeaf('seat', 'passenger seat', (r) => `${r.int(1, 45)}${r.pick(['A', 'B', 'C', 'D'])}`, ['{v}']),
      ],
      count: (r) => r.int(1, 4),
      say(items: DrawnObject[], r: Rng): string {
        const said = items.map((p) => r.pick([`${p.name} (age ${p.age}, seat ${p.seat})`, `${p.name}, ${p.age}, in seat ${p.seat}`]));
        return `${capital(sayCount(items.length, r))} passenger${items.length > 1 ? 's are' : ' is'} travelling: ${sayList(said, r)}.`;
      },
    },
  ],
  openers: ['Your itinerary.', 'Booking confirmation from the travel desk.', 'Trip details below.'],
  noise: ['Please arrive two hours early.', 'Liquids must be under 100 ml.', 'Have a pleasant trip.'],
};

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
