// A product listing: name, price, stock, weight, brand; a manufacturer with a contact; variants.
import type { Rng } from '../prng.js';
import { COLORS, COMPANIES } from '../lexicon.js';
import { thingCtx } from '../subject.js';
import { drawIsoDate, drawMoney, sayCount, sayDate, sayList, sayMoney } from '../surface.js';
import { boolLeaf, dateLeaf, enumLeaf, intLeaf, numberLeaf, stringLeaf, type DrawnObject, type Family } from '../field.js';
import type { Ctx } from '../subject.js';
import { addressObject, contactObject } from '../shared-fields.js';

const ADJ = ['Ultra', 'Compact', 'Classic', 'Smart', 'Eco', 'Pro', 'Travel', 'Mini'];
const NOUN = ['Blender', 'Backpack', 'Desk Lamp', 'Coffee Grinder', 'Headphones', 'Kettle', 'Office Chair', 'Water Bottle',
  'Air Purifier', 'Electric Toothbrush', 'Tent', 'Keyboard', 'Monitor Stand', 'Rice Cooker'];

type ProductCtx = Ctx & { product: string };

export const product: Family = {
  name: 'product',
  context(r: Rng): ProductCtx {
    const productName = `${r.pick(ADJ)} ${r.pick(NOUN)} ${r.int(2, 9)}${r.pick(['', '00', 'X', ' Plus'])}`;
    return { ...thingCtx([productName, 'the product', 'it']), product: productName, poss: [`the ${productName}'s`, 'its'] };
  },
  leaves: [
    stringLeaf('name', 'product name', (_r, c) => (c as ProductCtx).product, ['Product: {v}.', 'Meet the {v}.', 'The listing is for the {v}.']),
    { ...numberLeaf('price', 'price', (r) => drawMoney(r, 5, 900), ['{s} costs {v}.', 'Price: {v}.', '{s} sells for {v}.', 'It is on sale for {v}.'],
      { decoys: ['Last month it cost {v}.', 'A competing model sells for {v}.', 'Shipping adds {v} to some orders.'] }), surface: (v, r) => sayMoney(Number(v), r) },
    intLeaf('stock_quantity', 'units in stock', 0, 500, ['There are {v} units in stock.', 'Stock: {v} units.', 'The warehouse holds {v} of them.'],
      { decoys: ['The store across town has {v} units.', '{v} units were sold last week.'] }),
    numberLeaf('weight_kg', 'weight in kilograms', (r) => r.int(1, 250) / 10, ['{s} weighs {v}.', 'Weight: {v}.'],
      { surface: (v, r) => `${v} ${r.pick(['kg', 'kilograms', 'kilos'])}`, decoys: ['The box alone weighs {v}.', 'The older version weighed {v}.'] }),
    stringLeaf('brand', 'brand', (r) => r.pick(COMPANIES), ['{s} is made by {v}.', 'Brand: {v}.', 'It comes from {v}.'],
      { decoys: ['It is often compared with products from {v}.'] }),
    stringLeaf('sku', 'SKU', (r) => `SKU-${r.int(10000, 99999)}`, ['The SKU is {v}.', 'Item code {v}.'],
      { decoys: ['The replacement part has code {v}.'] }),
    stringLeaf('color', 'color', (r) => r.pick(COLORS), ['It comes in {v}.', 'Color: {v}.', 'The one listed is {v}.'],
      { decoys: ['A {v} version is sold out.'] }),
    intLeaf('warranty_months', 'warranty in months', 6, 60, ['It has a {v}-month warranty.', 'Warranty: {v} months.'],
      { decoys: ['The battery has its own {v}-month warranty.'] }),
    numberLeaf('rating', 'average rating', (r) => r.int(10, 50) / 10, ['Customers rate it {v} out of 5.', 'Average rating: {v}/5.'],
      { decoys: ['The previous model was rated {v}.'] }),
    dateLeaf('release_date', 'release date', (r) => drawIsoDate(r, 2018, 2026), sayDate, ['It was released on {v}.', 'Release date: {v}.', 'On sale since {v}.'],
      { decoys: ['A firmware update followed on {v}.'] }),
    boolLeaf('in_stock', 'availability', ['It is available now.', 'Currently in stock.'], ['It is currently out of stock.', 'Not available right now.']),
  ],
  enums: [
    enumLeaf('category', 'category', ['electronics', 'kitchen', 'outdoor', 'furniture', 'personal_care', 'office'],
      ['Category: {v}.', 'It is listed under {v}.']),
    enumLeaf('condition', 'condition', ['new', 'refurbished', 'used'], ['Condition: {v}.', 'The unit is {v}.']),
  ],
  lists: [
    { kind: 'list', key: 'tags', label: 'tags', item: { type: 'string', maxLength: 40 }, maxItems: 6,
      draw: (r) => r.sample(['bestseller', 'eco-friendly', 'gift idea', 'new arrival', 'limited edition', 'portable', 'wireless', 'durable'], r.int(1, 4)),
      templates: ['Tags: {v}.', 'It is tagged {v}.'] },
    { kind: 'list', key: 'materials', label: 'materials', item: { type: 'string', maxLength: 40 }, maxItems: 5,
      draw: (r) => r.sample(['steel', 'aluminium', 'plastic', 'glass', 'bamboo', 'leather', 'cotton', 'silicone'], r.int(1, 3)),
      templates: ['It is made of {v}.', 'Materials: {v}.'] },
  ],
  objects: [
    {
      kind: 'object', key: 'manufacturer', label: 'manufacturer',
      children: [
        stringLeaf('name', 'manufacturer name', (r) => r.pick(COMPANIES), ['{v}']),
        stringLeaf('country', 'country of manufacture', (r) => r.pick(['China', 'Germany', 'Vietnam', 'Mexico', 'Italy', 'USA', 'Japan']), ['{v}']),
        contactObject('support_contact', 'support contact', 'support contact'),
      ],
      say(v: DrawnObject, r: Rng, ctx: Ctx): string {
        const out: string[] = [];
        if (v.name !== undefined) out.push(`It is manufactured by ${v.name}${v.country !== undefined ? ` in ${v.country}` : ''}.`);
        else if (v.country !== undefined) out.push(`It is made in ${v.country}.`);
        const c = this.children[2];
        if (v.support_contact !== undefined && c.kind === 'object') out.push(c.say(v.support_contact as DrawnObject, r, ctx));
        return out.join(' ');
      },
    },
    addressObject('warehouse', 'warehouse address', ['It ships from the warehouse at', 'Warehouse:']),
  ],
  arrays: [
    {
      kind: 'array', key: 'variants', label: 'variants', maxItems: 5,
      children: [
        stringLeaf('color', 'variant color', (r) => r.pick(COLORS), ['{v}']),
        enumLeaf('size', 'size', ['S', 'M', 'L', 'XL'], ['{v}']),
        numberLeaf('price', 'variant price', (r) => drawMoney(r, 5, 900), ['{v}']),
        intLeaf('stock', 'variant stock', 0, 200, ['{v}']),
      ],
      count: (r) => r.int(1, 4),
      say(items: DrawnObject[], r: Rng): string {
        const said = items.map((i) => r.pick([
          `${i.color} in size ${i.size} at ${sayMoney(Number(i.price), r)} (${i.stock} left)`,
          `size ${i.size} ${i.color} for ${sayMoney(Number(i.price), r)} with ${i.stock} in stock`,
        ]));
        return `There ${items.length > 1 ? 'are' : 'is'} ${sayCount(items.length, r)} variant${items.length > 1 ? 's' : ''}: ${sayList(said, r)}.`;
      },
    },
  ],
  openers: ['New listing for the online shop.', 'Product sheet received from the supplier.', 'Catalog entry for {s}.'],
  noise: ['The photos will be updated next week.', 'Customer service hours are 9 to 5.', 'This page was last reviewed by the web team.'],
};
