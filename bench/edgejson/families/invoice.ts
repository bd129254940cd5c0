// A supplier invoice: number, dates, amounts, currency; the vendor (with address) and line items.
import type { Rng } from '../prng.js';
import { COMPANIES } from '../lexicon.js';
import { thingCtx } from '../subject.js';
import { drawIsoDate, drawMoney, sayDate, sayList, sayMoney } from '../surface.js';
import { boolLeaf, dateLeaf, enumLeaf, intLeaf, numberLeaf, stringLeaf, type DrawnObject, type Family } from '../field.js';
import type { Ctx } from '../subject.js';
import { addressObject, contactObject } from '../shared-fields.js';

const SERVICES = ['consulting hours', 'cloud hosting', 'printer toner', 'office cleaning', 'software licenses',
  'catering', 'website maintenance', 'legal review', 'translation', 'equipment rental', 'training session'];
/** The amounts are drawn together so that subtotal + tax = total due. */
type InvoiceCtx = Ctx & { currency: string; subtotal: number; tax: number };
const money = (v: unknown, r: Rng, c: Ctx) => sayMoney(Number(v), r, (c as InvoiceCtx).currency);
/** A money leaf written in the invoice's currency. */
const moneyLeaf = (key: string, label: string, amount: (c: InvoiceCtx) => number, templates: string[], decoys: string[]) =>
  numberLeaf(key, label, (_r, c) => amount(c as InvoiceCtx), templates, { surface: money, decoys, drawDecoy: (r) => drawMoney(r, 5, 9000) });

export const invoice: Family = {
  name: 'invoice',
  context(r: Rng): InvoiceCtx {
    const subtotal = drawMoney(r, 50, 9000);
    const tax = Math.round(subtotal * r.pick([5, 8, 10, 19, 20])) / 100;
    return { ...thingCtx(['the invoice', 'this invoice', 'it']), currency: r.pick(['USD', 'EUR', 'GBP']), subtotal, tax };
  },
  leaves: [
    stringLeaf('invoice_number', 'invoice number', (r) => `INV-${r.int(2020, 2026)}-${r.int(100, 9999)}`, ['Invoice number {v}.', 'This is invoice {v}.', 'Ref: {v}.'],
      { decoys: ['It corrects invoice {v}, which had an error.', 'Purchase order {v} is mentioned only for reference.'] }),
    dateLeaf('issue_date', 'issue date', (r) => drawIsoDate(r, 2022, 2026), sayDate, ['It was issued on {v}.', 'Issue date: {v}.', 'Dated {v}.'],
      { decoys: ['The service period started on {v}.'] }),
    dateLeaf('due_date', 'due date', (r) => drawIsoDate(r, 2022, 2026), sayDate, ['Payment is due by {v}.', 'Due date: {v}.', 'Please pay before {v}.'],
      { decoys: ['The previous invoice was due on {v}.'] }),
    moneyLeaf('subtotal', 'subtotal', (c) => c.subtotal, ['The subtotal is {v}.', 'Subtotal: {v}.'], ['Last quarter the subtotal was {v}.']),
    moneyLeaf('tax_amount', 'tax amount', (c) => c.tax, ['Tax comes to {v}.', 'VAT: {v}.', 'Sales tax of {v} applies.'], ['A late fee of {v} may be added.']),
    moneyLeaf('total_due', 'total due', (c) => Math.round((c.subtotal + c.tax) * 100) / 100, ['The total due is {v}.', 'Amount due: {v}.', 'Please pay {v} in total.'],
      ['{v} was already paid as a deposit.', 'The credit note covers {v}.']),
    intLeaf('payment_terms_days', 'payment terms in days', 7, 90, ['Payment terms are net {v}.', 'Terms: {v} days.']),
    boolLeaf('paid', 'payment status', ['It has already been paid.', 'Marked as paid.'], ['It has not been paid yet.', 'Still unpaid.']),
    stringLeaf('po_number', 'purchase order number', (r) => `PO-${r.int(10000, 99999)}`, ['It refers to purchase order {v}.', 'PO: {v}.']),
  ],
  enums: [
    { ...enumLeaf('currency', 'currency', ['USD', 'EUR', 'GBP'], ['All amounts are in {v}.', 'Currency: {v}.']),
      draw: (_r, c) => (c as InvoiceCtx).currency },
    enumLeaf('status', 'invoice status', ['draft', 'sent', 'overdue', 'paid', 'void'], ['Status: {v}.', 'The invoice is {v}.']),
  ],
  lists: [
    { kind: 'list', key: 'payment_methods', label: 'accepted payment methods', item: { type: 'string', maxLength: 40 }, maxItems: 4,
      draw: (r) => r.sample(['bank transfer', 'credit card', 'check', 'PayPal'], r.int(1, 3)),
      templates: ['Accepted payment methods: {v}.', 'You can pay by {v}.'] },
  ],
  objects: [
    {
      kind: 'object', key: 'vendor', label: 'vendor',
      children: [
        stringLeaf('name', 'vendor name', (r) => r.pick(COMPANIES), ['{v}']),
        stringLeaf('tax_id', 'vendor tax ID', (r) => `TX${r.int(1000000, 9999999)}`, ['{v}']),
        addressObject('address', 'vendor address', ['The vendor is located at', 'Vendor address:']),
        contactObject('billing_contact', 'billing contact', 'billing contact'),
      ],
      say(v: DrawnObject, r: Rng, ctx: Ctx): string {
        const out: string[] = [];
        if (v.name !== undefined) out.push(r.pick([`The vendor is ${v.name}.`, `Issued by ${v.name}.`, `From: ${v.name}.`]));
        if (v.tax_id !== undefined) out.push(`Vendor tax ID: ${v.tax_id}.`);
        for (const i of [2, 3]) {
          const child = this.children[i];
          const value = v[child.key];
          if (value !== undefined && child.kind === 'object') out.push(child.say(value as DrawnObject, r, ctx));
        }
        return out.join(' ');
      },
    },
    addressObject('billing_address', 'billing address', ['Bill to', 'The billing address is']),
  ],
  arrays: [
    {
      kind: 'array', key: 'line_items', label: 'line items', maxItems: 6,
      children: [
        stringLeaf('description', 'description', (r) => r.pick(SERVICES), ['{v}']),
        intLeaf('quantity', 'quantity', 1, 40, ['{v}']),
        numberLeaf('unit_price', 'unit price', (r) => drawMoney(r, 5, 400), ['{v}']),
        numberLeaf('amount', 'line amount', (r) => drawMoney(r, 5, 4000), ['{v}']),
      ],
      count: (r) => r.int(1, 4),
      say(items: DrawnObject[], r: Rng, ctx: Ctx): string {
        const said = items.map((i) => r.pick([
          `${i.description}: ${i.quantity} at ${money(i.unit_price, r, ctx)}, ${money(i.amount, r, ctx)}`,
          `${i.quantity} units of ${i.description} (unit price ${money(i.unit_price, r, ctx)}, line total ${money(i.amount, r, ctx)})`,
        ]));
        return `Line items: ${sayList(said, r)}.`;
      },
    },
  ],
  openers: ['Invoice received by the accounts team.', 'Scanned invoice, transcribed below.', 'Please process {s}.'],
  noise: ['Thank you for your business.', 'Our office moves next spring.', 'The scan is slightly blurry at the bottom.'],
};

