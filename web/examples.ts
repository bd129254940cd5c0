// Example texts and schemas for the page's picker.
export interface Example { name: string; text: string; schema: object }

export const EXAMPLES: Example[] = [
  {
    name: 'Contact card',
    text: 'Hi, I\'m Maria Lopez, a 34-year-old data engineer at Northwind Labs in Lisbon. ' +
      'You can reach me at maria.lopez@northwind.example or on +351 912 345 678. I speak Portuguese, English and Spanish.',
    schema: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        age: { type: 'integer', minimum: 0 },
        job_title: { type: 'string' },
        company: { type: 'string' },
        city: { type: 'string' },
        email: { type: 'string' },
        languages: { type: 'array', items: { type: 'string' }, maxItems: 5 },
      },
      required: ['name', 'age', 'email'],
      additionalProperties: false,
    },
  },
  {
    name: 'Invoice',
    text: 'Invoice INV-2291 from Blue Harbor Supplies, dated March 3, 2025. 12 boxes of printer paper at $8.50 each ' +
      'and 2 toner cartridges at $64.00 each. Subtotal $230.00, tax $18.40, total due $248.40 by April 2. Paid: no.',
    schema: {
      type: 'object',
      properties: {
        invoice_number: { type: 'string' },
        vendor: { type: 'string' },
        date: { type: 'string' },
        items: {
          type: 'array',
          items: {
            type: 'object',
            properties: { description: { type: 'string' }, quantity: { type: 'integer' }, unit_price: { type: 'number' } },
            required: ['description', 'quantity', 'unit_price'],
            additionalProperties: false,
          },
          maxItems: 4,
        },
        total: { type: 'number' },
        paid: { type: 'boolean' },
      },
      required: ['invoice_number', 'vendor', 'items', 'total', 'paid'],
      additionalProperties: false,
    },
  },
  {
    name: 'Event',
    text: 'Join us for the Riverside Jazz Night on Friday, June 14 at 7:30 pm at the Old Mill Hall. Tickets are ' +
      '$25 (students $15). Expect around 200 guests; doors open 30 minutes early. Organized by the Riverside Arts Club.',
    schema: {
      type: 'object',
      properties: {
        title: { type: 'string' },
        date: { type: 'string' },
        time: { type: 'string' },
        venue: { type: 'string' },
        category: { enum: ['music', 'sports', 'conference', 'theatre', 'other'] },
        price_usd: { type: 'number' },
        expected_attendance: { type: ['integer', 'null'] },
      },
      required: ['title', 'date', 'venue', 'category'],
      additionalProperties: false,
    },
  },
  {
    name: 'Story character (stories260K)',
    text: 'Once upon a time, there was a little girl named Lily. She was three years old and she loved to play in the park with her dog Max.',
    schema: {
      type: 'object',
      properties: { name: { type: 'string', maxLength: 12 }, age: { type: 'integer', minimum: 0, maximum: 99 }, pet: { type: 'string', maxLength: 12 } },
      required: ['name', 'age', 'pet'],
      additionalProperties: false,
    },
  },
];
