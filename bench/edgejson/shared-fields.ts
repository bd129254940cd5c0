// Nested objects that many families share: a postal address and a contact person (who has an address,
// which gives the complex tier its third level of nesting).
import type { Rng } from './prng.js';
import { CITIES, email, fullName, personName, postalCode, streetAddress } from './lexicon.js';
import { drawPhone, sayPhone } from './surface.js';
import { fill, stringLeaf, type DrawnObject, type LeafSpec, type ObjectSpec } from './field.js';
import type { Ctx } from './subject.js';

const has = (v: unknown) => v !== undefined;

/** An address object; `lead` introduces it ("The shop is at", "{s} lives at"). City and country are drawn
 * together so they agree. */
export function addressObject(key: string, label: string, leads: string[]): ObjectSpec {
  let lastCity: [string, string] = CITIES[0];
  const cityOf = (r: Rng) => { lastCity = r.pick(CITIES); return lastCity[0]; };
  return {
    kind: 'object', key, label,
    children: [
      stringLeaf('street', 'street', (r) => streetAddress(r), ['{v}']),
      stringLeaf('city', 'city', cityOf, ['{v}']),
      stringLeaf('postal_code', 'postal code', (r) => postalCode(r), ['{v}']),
      stringLeaf('country', 'country', () => lastCity[1], ['{v}']),
    ],
    say(v: DrawnObject, r: Rng, ctx: Ctx): string {
      const lead = r.pick(leads);
      const parts: string[] = [];
      if (has(v.street)) parts.push(String(v.street));
      const cityPart = [v.city, v.postal_code].filter(has).join(r.chance(50) ? ' ' : ', ');
      if (cityPart) parts.push(cityPart);
      if (has(v.country)) parts.push(String(v.country));
      if (parts.length === 0) return '';
      if (r.chance(25) && has(v.postal_code) && has(v.city)) {
        // The postal code said on its own, apart from the rest.
        const rest = [v.street, v.city, v.country].filter(has).join(', ');
        return fill(`${lead} ${rest}. The postal code is ${v.postal_code}.`, '', r, ctx);
      }
      return fill(`${lead} ${parts.join(', ')}.`, '', r, ctx);
    },
  };
}

/** A contact person with a nested address (three levels from the document root). */
export function contactObject(key: string, label: string, role: string): ObjectSpec {
  const address = addressObject('address', `${role}'s address`, [`The ${role}'s address is`, `The ${role} is based at`]);
  let lastName = '';
  return {
    kind: 'object', key, label,
    children: [
      stringLeaf('name', `${role}'s name`, (r) => { lastName = fullName(r); return lastName; }, ['{v}']),
      stringLeaf('email', `${role}'s email`, (r) => { const [f, l] = lastName.split(' '); return email(f, l, r); }, ['{v}']),
      { ...stringLeaf('phone', `${role}'s phone`, (r) => drawPhone(r), ['{v}']), surface: (v, r) => sayPhone(String(v), r) },
      address,
    ],
    say(v: DrawnObject, r: Rng, ctx: Ctx): string {
      const out: string[] = [];
      if (has(v.name)) out.push(r.pick([`The ${role} is ${v.name}.`, `${v.name} acts as the ${role}.`, `${capital(role)}: ${v.name}.`]));
      const reach: string[] = [];
      if (has(v.email)) reach.push(`by email at ${v.email}`);
      if (has(v.phone)) reach.push(`by phone on ${sayPhone(String(v.phone), r)}`);
      if (reach.length) out.push(`The ${role} can be reached ${reach.join(' or ')}.`);
      if (v.address) { const a = address.say(v.address as DrawnObject, r, ctx); if (a) out.push(a); }
      return out.join(' ');
    },
  };
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A name leaf and an email leaf drawn from the same person (name first), so the two agree. */
export function nameAndEmailLeaves(role: string): [LeafSpec, LeafSpec] {
  let last = { first: '', last: '' };
  return [
    stringLeaf('name', `${role} name`, (r) => { last = personName(r); return `${last.first} ${last.last}`; }, ['{v}']),
    stringLeaf('email', `${role} email`, (r) => email(last.first, last.last, r), ['{v}']),
  ];
}
