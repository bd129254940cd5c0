// Word lists the families draw from. Plain data; kept varied so names and places rarely repeat.
import type { Rng } from './prng.js';

export const FEMALE = ['Maria', 'Aisha', 'Elena', 'Sofia', 'Grace', 'Hannah', 'Priya', 'Yuki', 'Chloe', 'Fatima',
  'Olivia', 'Ingrid', 'Lucia', 'Amara', 'Nadia', 'Rosa', 'Mei', 'Leah', 'Zoe', 'Clara', 'Irene', 'Sara', 'Ava', 'Noor'];
export const MALE = ['James', 'Omar', 'Lucas', 'Daniel', 'Kenji', 'Mateo', 'Samuel', 'Arjun', 'Ethan', 'Tomas',
  'Noah', 'Felix', 'Hugo', 'Ivan', 'Kwame', 'Leo', 'Marco', 'Nikolai', 'Oscar', 'Rafael', 'Victor', 'Yusuf', 'Ben', 'Adam'];
export const SURNAMES = ['Lopez', 'Nguyen', 'Smith', 'Okafor', 'Schmidt', 'Rossi', 'Tanaka', 'Kowalski', 'Haddad',
  'Johansson', 'Patel', 'Garcia', 'Murphy', 'Dubois', 'Silva', 'Kim', 'Brown', 'Novak', 'Mensah', 'Fischer',
  'Moreau', 'Costa', 'Ali', 'Reyes', 'Larsen', 'Walsh', 'Ibrahim', 'Chen', 'Moore', 'Bauer'];
export const CITIES: [string, string][] = [['Denver', 'USA'], ['Austin', 'USA'], ['Seattle', 'USA'], ['Boston', 'USA'],
  ['Chicago', 'USA'], ['Toronto', 'Canada'], ['Vancouver', 'Canada'], ['London', 'UK'], ['Manchester', 'UK'],
  ['Dublin', 'Ireland'], ['Berlin', 'Germany'], ['Munich', 'Germany'], ['Paris', 'France'], ['Lyon', 'France'],
  ['Madrid', 'Spain'], ['Lisbon', 'Portugal'], ['Rome', 'Italy'], ['Milan', 'Italy'], ['Amsterdam', 'Netherlands'],
  ['Stockholm', 'Sweden'], ['Oslo', 'Norway'], ['Warsaw', 'Poland'], ['Prague', 'Czechia'], ['Vienna', 'Austria'],
  ['Tokyo', 'Japan'], ['Osaka', 'Japan'], ['Seoul', 'South Korea'], ['Sydney', 'Australia'], ['Melbourne', 'Australia'],
  ['Auckland', 'New Zealand'], ['Nairobi', 'Kenya'], ['Lagos', 'Nigeria'], ['Accra', 'Ghana'], ['Cairo', 'Egypt'],
  ['Mumbai', 'India'], ['Bangalore', 'India'], ['Singapore', 'Singapore'], ['Mexico City', 'Mexico'],
  ['Bogota', 'Colombia'], ['Lima', 'Peru'], ['Santiago', 'Chile'], ['Sao Paulo', 'Brazil']];
export const STREETS = ['Oak Street', 'Maple Avenue', 'Cedar Lane', 'High Street', 'Elm Road', 'Park Avenue',
  'River Road', 'Church Street', 'Mill Lane', 'Station Road', 'Hillside Drive', 'Lake View Road', 'King Street',
  'Queen Street', 'Garden Way', 'Harbor Boulevard', 'Pine Court', 'Willow Crescent', 'Bridge Street', 'Market Square'];
export const COMPANIES = ['Acme Corp', 'Northwind Traders', 'Globex', 'Initech', 'Blue Harbor Logistics', 'Sunrise Foods',
  'Vertex Analytics', 'Redwood Health', 'Pioneer Labs', 'Silverline Media', 'Orbit Systems', 'Greenleaf Energy',
  'Atlas Engineering', 'Bright Path Education', 'Cobalt Software', 'Harborview Bank', 'Nimbus Cloud', 'Quantum Retail'];
export const COLORS = ['black', 'white', 'red', 'blue', 'green', 'silver', 'gray', 'yellow', 'navy', 'beige'];

export function personName(r: Rng): { first: string; last: string; female: boolean } {
  const female = r.chance(50);
  return { first: r.pick(female ? FEMALE : MALE), last: r.pick(SURNAMES), female };
}

export function fullName(r: Rng): string {
  const p = personName(r);
  return `${p.first} ${p.last}`;
}

export function email(first: string, last: string, r: Rng): string {
  const domain = r.pick(['example.com', 'mail.com', 'inbox.org', 'post.net', 'company.io']);
  const local = r.pick([`${first}.${last}`, `${first[0]}${last}`, `${first}${r.int(1, 99)}`, `${last}.${first}`]);
  return `${local.toLowerCase()}@${domain}`;
}

export function streetAddress(r: Rng): string {
  return `${r.int(1, 480)} ${r.pick(STREETS)}`;
}

export function postalCode(r: Rng): string {
  return String(r.int(10000, 99999));
}
