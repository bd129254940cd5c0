// An event announcement: title, date, time, venue, capacity, price; organizer; sessions with speakers.
import type { Rng } from '../prng.js';
import { fullName } from '../lexicon.js';
import { thingCtx } from '../subject.js';
import { drawIsoDate, drawMoney, drawTime, sayCount, sayDate, sayList, sayMoney, sayTime } from '../surface.js';
import { boolLeaf, dateLeaf, enumLeaf, intLeaf, numberLeaf, stringLeaf, type DrawnObject, type Family } from '../field.js';
import type { Ctx } from '../subject.js';
import { addressObject, contactObject } from '../shared-fields.js';

const TOPICS = ['Data Science', 'Urban Gardening', 'Jazz', 'Startup Funding', 'Climate Policy', 'Photography', 'Web Security',
  'Healthy Cooking', 'Robotics', 'Creative Writing', 'Astronomy', 'Public Speaking'];
const KINDS = ['Summit', 'Meetup', 'Festival', 'Workshop', 'Conference', 'Night', 'Fair'];
type EventCtx = Ctx & { title: string };

export const event: Family = {
  name: 'event',
  context(r: Rng): EventCtx {
    const title = `${r.pick(TOPICS)} ${r.pick(KINDS)} ${r.int(2024, 2027)}`;
    return { ...thingCtx([`the ${title}`, 'the event', 'it']), title, poss: ['its', "the event's"] };
  },
  leaves: [
    stringLeaf('title', 'event title', (_r, c) => (c as EventCtx).title, ['Join us for the {v}.', 'Event: {v}.', 'The {v} is coming up.']),
    dateLeaf('date', 'event date', (r) => drawIsoDate(r, 2024, 2027), sayDate, ['It takes place on {v}.', 'Date: {v}.', 'Mark your calendar for {v}.'],
      { decoys: ['Registration closes on {v}.', 'Last year it was held on {v}.'] }),
    { ...stringLeaf('start_time', 'start time', (r) => drawTime(r), ['Doors open at {v}.', 'It starts at {v}.', 'Start time: {v}.'],
      { decoys: ['The after-party begins at {v}.', 'Setup starts at {v} for volunteers.'] }), surface: (v, r) => sayTime(String(v), r) },
    stringLeaf('venue', 'venue', (r) => r.pick(['City Hall', 'the Grand Ballroom', 'Riverside Park', 'the Public Library', 'Hall B of the Expo Center', 'the Rooftop Terrace', 'Main Street Theater']),
      ['It will be held at {v}.', 'Venue: {v}.', 'The venue is {v}.'], { decoys: ['The overflow room is {v}.'] }),
    intLeaf('capacity', 'capacity', 20, 5000, ['There is room for {v} guests.', 'Capacity: {v}.', 'Up to {v} people can attend.'],
      { decoys: ['Last year {v} people came.', 'The parking lot holds {v} cars.'] }),
    { ...numberLeaf('ticket_price', 'ticket price', (r) => drawMoney(r, 0, 300), ['Tickets cost {v}.', 'Entry: {v}.', 'A ticket is {v}.'],
      { decoys: ['VIP passes cost {v}.', 'Early birds paid {v}.'] }), surface: (v, r) => sayMoney(Number(v), r) },
    intLeaf('duration_hours', 'duration in hours', 1, 12, ['It lasts {v} hours.', 'Duration: {v} hours.'], { surface: (v, r) => sayCount(Number(v), r) }),
    boolLeaf('is_online', 'online attendance', ['It is also streamed online.', 'Online attendance is possible.'], ['It is in person only.', 'There is no online stream.']),
    stringLeaf('website', 'website', (r) => `www.${r.pick(['eventhub', 'citytickets', 'meetnow', 'gotix'])}.${r.pick(['com', 'org', 'io'])}/${r.int(100, 999)}`,
      ['Details at {v}.', 'Website: {v}.', 'Tickets are sold at {v}.'], { decoys: ['Last year\'s page, {v}, is outdated.'] }),
  ],
  enums: [
    enumLeaf('event_type', 'event type', ['conference', 'concert', 'workshop', 'meetup', 'festival'], ['It is a {v}.', 'Type: {v}.']),
    enumLeaf('audience', 'audience', ['everyone', 'adults_only', 'families', 'professionals'], ['Audience: {v}.', 'It is aimed at {v}.']),
  ],
  lists: [
    { kind: 'list', key: 'topics', label: 'topics', item: { type: 'string', maxLength: 40 }, maxItems: 5,
      draw: (r) => r.sample(TOPICS, r.int(1, 4)), templates: ['Topics include {v}.', 'Topics: {v}.', 'Sessions cover {v}.'] },
    { kind: 'list', key: 'amenities', label: 'amenities', item: { type: 'string', maxLength: 40 }, maxItems: 5,
      draw: (r) => r.sample(['free wifi', 'parking', 'food stalls', 'wheelchair access', 'cloakroom', 'childcare'], r.int(1, 4)),
      templates: ['Amenities: {v}.', 'On site you will find {v}.'] },
  ],
  objects: [
    {
      kind: 'object', key: 'location', label: 'location',
      children: [
        stringLeaf('venue_name', 'venue name', (r) => r.pick(['Harbor Hall', 'Civic Center', 'Oak Pavilion', 'Union Theater', 'Sky Lounge']), ['{v}']),
        stringLeaf('room', 'room', (r) => `Room ${r.int(1, 40)}${r.pick(['', 'A', 'B'])}`, ['{v}']),
        addressObject('address', 'venue address', ['The address is', 'You will find it at']),
      ],
      say(v: DrawnObject, r: Rng, ctx: Ctx): string {
        const out: string[] = [];
        if (v.venue_name !== undefined) out.push(`The event is hosted at ${v.venue_name}${v.room !== undefined ? `, ${v.room}` : ''}.`);
        else if (v.room !== undefined) out.push(`Sessions are in ${v.room}.`);
        const a = this.children[2];
        if (v.address !== undefined && a.kind === 'object') out.push(a.say(v.address as DrawnObject, r, ctx));
        return out.join(' ');
      },
    },
    contactObject('organizer', 'organizer', 'organizer'),
  ],
  arrays: [
    {
      kind: 'array', key: 'sessions', label: 'sessions', maxItems: 5,
      children: [
        stringLeaf('title', 'session title', (r) => `${r.pick(['Intro to', 'Advanced', 'The Future of', 'Hands-on', 'Ask Me Anything:'])} ${r.pick(TOPICS)}`, ['{v}']),
        stringLeaf('speaker', 'speaker', (r) => fullName(r), ['{v}']),
        { ...stringLeaf('time', 'session time', (r) => drawTime(r), ['{v}']), surface: (v, r) => sayTime(String(v), r) },
        intLeaf('minutes', 'session length in minutes', 15, 120, ['{v}']),
      ],
      count: (r) => r.int(1, 4),
      say(items: DrawnObject[], r: Rng): string {
        const said = items.map((s) => r.pick([
          `"${s.title}" by ${s.speaker} at ${sayTime(String(s.time), r)} (${s.minutes} minutes)`,
          `${s.speaker} presents "${s.title}" at ${sayTime(String(s.time), r)} for ${s.minutes} minutes`,
        ]));
        return `The program has ${sayCount(items.length, r)} session${items.length > 1 ? 's' : ''}: ${sayList(said, r)}.`;
      },
    },
  ],
  openers: ['Event announcement from the community board.', 'Press release.', 'You are invited!'],
  noise: ['Please recycle your programs.', 'Photos from last year are on our website.', 'Volunteers are always welcome.'],
};
