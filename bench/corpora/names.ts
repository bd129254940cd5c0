// Field names a user might write for a corpus slot: the slot's own words, a few synonyms, in snake_case or
// camelCase. So the model learns to read what a field asks for, not a fixed slot vocabulary.
import type { Rng } from '../edgejson/prng.js';

// Whole-slot paraphrases (keys are the slot's words joined by "_", lower case).
const SYNONYMS: Record<string, string[]> = {
  person: ['person', 'name', 'person_name', 'who'],
  per: ['person', 'people', 'person_names'],
  org: ['organization', 'organisation', 'company', 'org'],
  loc: ['location', 'place', 'places'],
  misc: ['other_entity', 'misc', 'miscellaneous'],
  place_name: ['place', 'location', 'place_name'],
  city: ['city', 'town', 'city_name'],
  date: ['date', 'day', 'when'],
  time: ['time', 'at_time', 'clock_time'],
  timeofday: ['time_of_day', 'part_of_day'],
  people: ['people', 'party_size', 'guests', 'number_of_people'],
  first_name: ['first_name', 'given_name', 'forename'],
  last_name: ['last_name', 'surname', 'family_name'],
  artist: ['artist', 'artist_name', 'performer'],
  playlist: ['playlist', 'playlist_name'],
  music_item: ['music_item', 'item_type'],
  restaurant_name: ['restaurant', 'restaurant_name', 'venue'],
  event_name: ['event', 'event_name', 'what'],
  business_name: ['business', 'business_name', 'company'],
  media_type: ['media_type', 'medium', 'source'],
  object_name: ['object', 'title', 'object_name'],
  movie_name: ['movie', 'film', 'movie_title'],
  spatial_relation: ['spatial_relation', 'distance'],
  party_size_number: ['party_size', 'guests', 'number_of_people'],
  skill: ['skills', 'abilities', 'skill_list'],
  knowledge: ['knowledge', 'technologies', 'know_how'],
  group: ['groups', 'group', 'bands_and_teams'],
  corporation: ['companies', 'corporation', 'businesses'],
  product: ['products', 'product'],
  creative_work: ['creative_works', 'titles', 'works'],
  location: ['locations', 'places', 'location'],
  zip_code: ['zip', 'postal_code', 'zip_code'],
  address_number: ['house_number', 'street_number', 'number'],
  street_name: ['street', 'street_name'],
  place: ['city', 'place', 'locality'],
  state_name: ['state', 'state_name'],
  given_name: ['given_name', 'first_name'],
  surname: ['surname', 'last_name', 'family_name'],
};

/** The lower-case words of a slot name: "timeRange" -> [time, range], "B-creative-work" parts likewise. */
export function slotWords(slot: string): string[] {
  return slot.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w.toLowerCase());
}

function camel(words: string[]): string {
  return words.map((w, i) => (i === 0 ? w : w[0].toUpperCase() + w.slice(1))).join('');
}

export type NameStyle = 'snake' | 'camel';

/** A field name for `slot`: a synonym or the slot's own words, in the schema's style. */
export function fieldName(slot: string, r: Rng, style: NameStyle, candidates?: readonly string[]): string {
  const words = slotWords(slot);
  const key = words.join('_');
  const options = candidates?.length ? candidates : [key, ...(SYNONYMS[key] ?? [])];
  const chosen = slotWords(r.pick(options));
  return style === 'snake' ? chosen.join('_') : camel(chosen);
}

/** A short phrase for a description: "time range", "the person". */
export function slotPhrase(slot: string): string {
  return slotWords(slot).join(' ');
}
