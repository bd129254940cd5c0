// A real-estate listing: price, bedrooms, bathrooms, area, year built; the address; rooms; the agent.
import type { Rng } from '../prng.js';
import { thingCtx } from '../subject.js';
import { drawIsoDate, sayCount, sayDate, sayList, sayMoney, sayNumber } from '../surface.js';
import { boolLeaf, dateLeaf, enumLeaf, intLeaf, stringLeaf, type DrawnObject, type Family } from '../field.js';
import type { Ctx } from '../subject.js';
import { addressObject, contactObject } from '../shared-fields.js';

export const realEstate: Family = {
  name: 'real_estate',
  context: () => thingCtx(['the property', 'this home', 'the house', 'it']),
  leaves: [
    intLeaf('price', 'asking price', 90000, 2500000, ['The asking price is {v}.', 'Listed at {v}.', 'Price: {v}.'],
      { draw: (r) => r.int(90, 2500) * 1000, surface: (v, r) => sayMoney(Number(v), r),
        decoys: ['The house next door sold for {v}.', 'It was bought for {v} in 2010.'] }),
    intLeaf('bedrooms', 'bedrooms', 1, 7, ['It has {v} bedrooms.', 'Bedrooms: {v}.'],
      { surface: (v, r) => sayCount(Number(v), r), decoys: ['The guest cottage has {v} more bedrooms, sold separately.'] }),
    intLeaf('bathrooms', 'bathrooms', 1, 4, ['There are {v} bathrooms.', 'Bathrooms: {v}.'], { surface: (v, r) => sayCount(Number(v), r) }),
    intLeaf('area_sqft', 'area in square feet', 400, 6000, ['It offers {v} square feet.', 'Living area: {v} sq ft.'],
      { surface: (v, r) => sayNumber(Number(v), r), decoys: ['The lot is {v} square feet.', 'The garage adds {v} sq ft.'] }),
    intLeaf('year_built', 'year built', 1900, 2024, ['It was built in {v}.', 'Year built: {v}.'], { decoys: ['It was renovated in {v}.'] }),
    intLeaf('parking_spaces', 'parking spaces', 0, 4, ['It comes with {v} parking spaces.', 'Parking: {v} spaces.'], { surface: (v, r) => sayCount(Number(v), r) }),
    dateLeaf('available_from', 'availability date', (r) => drawIsoDate(r, 2024, 2026), sayDate, ['Available from {v}.', 'You can move in on {v}.'],
      { decoys: ['The open house is on {v}.'] }),
    intLeaf('hoa_fee', 'monthly HOA fee', 0, 900, ['The HOA fee is {v} a month.', 'HOA: {v} monthly.'], { surface: (v, r) => sayMoney(Number(v), r) }),
    boolLeaf('pets_allowed', 'pet policy', ['Pets are welcome.', 'Pets allowed.'], ['No pets, sorry.', 'Pets are not allowed.']),
  ],
  enums: [
    enumLeaf('property_type', 'property type', ['house', 'apartment', 'condo', 'townhouse'], ['It is a {v}.', 'Type: {v}.']),
    enumLeaf('listing_type', 'listing type', ['sale', 'rent'], ['Listed for {v}.', 'Offer type: {v}.'], (v, r) => (v === 'sale' ? r.pick(['sale', 'sale only']) : r.pick(['rent', 'rental']))),
  ],
  lists: [
    { kind: 'list', key: 'features', label: 'features', item: { type: 'string', maxLength: 40 }, maxItems: 6,
      draw: (r) => r.sample(['garden', 'fireplace', 'balcony', 'swimming pool', 'solar panels', 'garage', 'hardwood floors', 'central air'], r.int(1, 4)),
      templates: ['Features: {v}.', 'Highlights include {v}.', 'It has {v}.'] },
    { kind: 'list', key: 'nearby', label: 'nearby places', item: { type: 'string', maxLength: 40 }, maxItems: 5,
      draw: (r) => r.sample(['schools', 'a park', 'a train station', 'shops', 'a hospital', 'the beach'], r.int(1, 3)),
      templates: ['Nearby: {v}.', 'It is close to {v}.'] },
  ],
  objects: [
    addressObject('address', 'address', ['The property is at', 'Address:', 'It is located at']),
    {
      kind: 'object', key: 'listing_agent', label: 'listing agent',
      children: [
        stringLeaf('agency', 'agency', (r) => r.pick(['Keystone Realty', 'Harbor Homes', 'Urban Nest', 'Summit Properties']), ['{v}']),
        stringLeaf('license', 'license number', (r) => `RE-${r.int(10000, 99999)}`, ['{v}']),
        contactObject('agent', 'agent', 'agent'),
      ],
      say(v: DrawnObject, r: Rng, ctx: Ctx): string {
        const out: string[] = [];
        if (v.agency !== undefined) out.push(`Listed with ${v.agency}${v.license !== undefined ? ` (license ${v.license})` : ''}.`);
        else if (v.license !== undefined) out.push(`Agency license: ${v.license}.`);
        const a = this.children[2];
        if (v.agent !== undefined && a.kind === 'object') out.push(a.say(v.agent as DrawnObject, r, ctx));
        return out.join(' ');
      },
    },
  ],
  arrays: [
    {
      kind: 'array', key: 'rooms', label: 'rooms', maxItems: 6,
      children: [
        stringLeaf('name', 'room name', (r) => r.pick(['kitchen', 'living room', 'master bedroom', 'study', 'dining room', 'bedroom', 'den']), ['{v}']),
        intLeaf('area_sqft', 'room area', 60, 600, ['{v}']),
        intLeaf('floor', 'floor', 0, 3, ['{v}']),
      ],
      count: (r) => r.int(1, 4),
      say(items: DrawnObject[], r: Rng): string {
        const floorName = (f: unknown) => ['the ground floor', 'the first floor', 'the second floor', 'the third floor'][Number(f)];
        const said = items.map((i) => r.pick([`the ${i.name} (${i.area_sqft} sq ft, on ${floorName(i.floor)})`, `a ${i.area_sqft} sq ft ${i.name} on floor ${i.floor}`]));
        return `Room details: ${sayList(said, r)}.`;
      },
    },
  ],
  openers: ['New listing!', 'Just on the market.', 'Property description from the agency.'],
  noise: ['Viewings by appointment only.', 'The photos were taken in spring.', 'Mortgage advice is available.'],
};
