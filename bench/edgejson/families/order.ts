// An online order: number, dates, totals, shipping; the customer (with address) and the line items.
import type { Rng } from '../prng.js';
import { thingCtx } from '../subject.js';
import { drawIsoDate, drawMoney, sayCount, sayDate, sayList, sayMoney } from '../surface.js';
import { boolLeaf, dateLeaf, enumLeaf, intLeaf, numberLeaf, stringLeaf, type DrawnObject, type Family } from '../field.js';
import type { Ctx } from '../subject.js';
import { addressObject, contactObject, nameAndEmailLeaves } from '../shared-fields.js';

const ITEMS = ['USB-C cable', 'wireless mouse', 'notebook', 'water bottle', 'phone case', 'desk lamp', 'yoga mat',
  'coffee beans', 'running socks', 'board game', 'tea kettle', 'backpack', 'screen protector', 'candle set'];

export const order: Family = {
  name: 'order',
  context: () => thingCtx(['the order', 'this order', 'it']),
  leaves: [
    stringLeaf('order_id', 'order number', (r) => `ORD-${r.int(100000, 999999)}`, ['Order {v} was placed online.', 'Order number: {v}.', 'Reference {v}.'],
      { decoys: ['It replaces the cancelled order {v}.', 'Order {v} from another customer shipped the same day.'] }),
    dateLeaf('order_date', 'order date', (r) => drawIsoDate(r, 2022, 2026), sayDate, ['It was placed on {v}.', 'Order date: {v}.', 'The customer ordered on {v}.'],
      { decoys: ['A previous order was placed on {v}.'] }),
    { ...numberLeaf('total', 'order total', (r) => drawMoney(r, 10, 2500), ['The total comes to {v}.', 'Total: {v}.', 'The customer paid {v} in total.'],
      { decoys: ['Before the discount the total would have been {v}.', 'A refund of {v} was issued on an older order.'] }), surface: (v, r) => sayMoney(Number(v), r) },
    { ...numberLeaf('shipping_cost', 'shipping cost', (r) => drawMoney(r, 0, 40), ['Shipping costs {v}.', 'Shipping: {v}.'],
      { decoys: ['Express shipping would have cost {v}.'] }), surface: (v, r) => sayMoney(Number(v), r) },
    intLeaf('item_count', 'number of items', 1, 12, ['{s} contains {v} items.', 'Items in the box: {v}.'], { surface: (v, r) => sayCount(Number(v), r) }),
    stringLeaf('coupon_code', 'coupon code', (r) => `${r.pick(['SAVE', 'WELCOME', 'SPRING', 'VIP'])}${r.int(5, 50)}`, ['Coupon {v} was applied.', 'Discount code: {v}.'],
      { decoys: ['The code {v} had already expired.'] }),
    dateLeaf('delivery_date', 'delivery date', (r) => drawIsoDate(r, 2022, 2026), sayDate, ['Delivery is expected on {v}.', 'Estimated delivery: {v}.'],
      { decoys: ['The courier first promised {v}.'] }),
    boolLeaf('gift_wrap', 'gift wrapping', ['The customer asked for gift wrapping.', 'Gift wrap: yes.'], ['No gift wrapping was requested.', 'Gift wrap: no.']),
    stringLeaf('tracking_number', 'tracking number', (r) => `1Z${r.int(100000000, 999999999)}`, ['Tracking number: {v}.', 'The parcel can be tracked with {v}.'],
      { decoys: ['The return label uses {v}.'] }),
  ],
  enums: [
    enumLeaf('status', 'order status', ['pending', 'paid', 'shipped', 'delivered', 'cancelled'], ['Status: {v}.', 'The order is {v}.', 'It has been {v}.'],
      (v, r) => (v === 'paid' ? r.pick(['paid', 'paid for']) : v)),
    enumLeaf('payment_method', 'payment method', ['credit_card', 'paypal', 'bank_transfer', 'cash_on_delivery'],
      ['It was paid by {v}.', 'Payment method: {v}.'], (v) => v.replaceAll('_', ' ').replace('paypal', 'PayPal')),
  ],
  lists: [
    { kind: 'list', key: 'notes', label: 'delivery notes', item: { type: 'string', maxLength: 60 }, maxItems: 4,
      draw: (r) => r.sample(['leave at the door', 'ring twice', 'fragile', 'call on arrival', 'no weekend delivery'], r.int(1, 3)),
      templates: ['Delivery notes: {v}.', 'The customer wrote: {v}.'] },
  ],
  objects: [
    {
      kind: 'object', key: 'customer', label: 'customer',
      children: [
        ...nameAndEmailLeaves('customer'),
        addressObject('shipping_address', 'shipping address', ['It ships to', 'Shipping address:', 'Please deliver to']),
      ],
      say(v: DrawnObject, r: Rng, ctx: Ctx): string {
        const out: string[] = [];
        if (v.name !== undefined) out.push(r.pick([`The customer is ${v.name}.`, `${v.name} placed the order.`, `Customer: ${v.name}.`]));
        if (v.email !== undefined) out.push(r.pick([`Their email is ${v.email}.`, `Contact email: ${v.email}.`]));
        const a = this.children[2];
        if (v.shipping_address !== undefined && a.kind === 'object') out.push(a.say(v.shipping_address as DrawnObject, r, ctx));
        return out.join(' ');
      },
    },
    contactObject('seller', 'seller', 'seller'),
  ],
  arrays: [
    {
      kind: 'array', key: 'items', label: 'line items', maxItems: 6,
      children: [
        stringLeaf('product', 'product', (r) => r.pick(ITEMS), ['{v}']),
        intLeaf('quantity', 'quantity', 1, 5, ['{v}']),
        numberLeaf('unit_price', 'unit price', (r) => drawMoney(r, 2, 150), ['{v}']),
      ],
      count: (r) => r.int(1, 4),
      say(items: DrawnObject[], r: Rng): string {
        const said = items.map((i) => r.pick([
          `${i.quantity} x ${i.product} at ${sayMoney(Number(i.unit_price), r)} each`,
          `${sayCount(Number(i.quantity), r)} ${i.product} (${sayMoney(Number(i.unit_price), r)} apiece)`,
          `${i.product}, quantity ${i.quantity}, unit price ${sayMoney(Number(i.unit_price), r)}`,
        ]));
        return r.pick(['The order includes ', 'Items: ', 'In the basket: ']) + sayList(said, r) + '.';
      },
    },
  ],
  openers: ['Order confirmation email.', 'Support ticket about an online order.', 'Here are the details of {s}.'],
  noise: ['The warehouse closes early on Fridays.', 'Our returns policy lasts 30 days.', 'Thank you for shopping with us.'],
};

