// Normalized forms of prose values: exact renderings, and what must not be read.
import { describe, expect, it } from 'vitest';
import { normalizedValues } from '../../extract/text-values.js';
import { CopySource } from '../../extract/copy-bias.js';

describe('normalizedValues', () => {
  it('reads English dates in every usual order as ISO 8601', () => {
    const text = 'Sep 27, 2025; 4 March 2024; the 3rd of June 2026; November 14th, 2026; Sept. 1, 2020; '
      + 'on 2025-10-28; 2024/2/9; the 21st of august, 2023';
    expect(normalizedValues(text).strings).toEqual(['2025-09-27', '2024-03-04', '2026-06-03', '2026-11-14',
      '2020-09-01', '2025-10-28', '2024-02-09', '2023-08-21']);
  });

  it('skips impossible dates and never guesses day-month order from digits', () => {
    expect(normalizedValues('February 30, 2025 and 31 April 2024 and 03/04/2025 and 13 Smarch 2020').strings).toEqual([]);
    expect(normalizedValues('February 29, 2024, not February 29, 2023').strings).toEqual(['2024-02-29']);
  });

  it('reads 12-hour clock times as 24-hour HH:MM', () => {
    expect(normalizedValues('at 6:10 p.m., 7 AM, 12:30 pm, 12 a.m. and 11:05am').strings)
      .toEqual(['18:10', '07:00', '12:30', '00:00', '11:05']);
    expect(normalizedValues('13 pm, 4:75 am, 12 amps, 10 pmol').strings).toEqual([]);
  });

  it('gives North American phone numbers their hyphenated form', () => {
    expect(normalizedValues('Call (640) 555-6408, 827.555.4737 or 212 555 0000.').strings)
      .toEqual(['640-555-6408', '827-555-4737', '212-555-0000']);
    expect(normalizedValues('Order 1234-555-66789 and 55-555-1234').strings).toEqual([]);
  });

  it('reads number words, ordinals and zero-cent amounts as numbers', () => {
    expect(normalizedValues('Seven bedrooms, twenty-five guests, ninety nine ways, zero pets').numbers)
      .toEqual(['7', '25', '99', '0']);
    expect(normalizedValues('on the second floor, her third visit').numbers).toEqual(['2', '3']);
    expect(normalizedValues('$1,707,000.00 and 49.0 kg, not 2.05 or 3.50').numbers).toEqual(['1707000', '49']);
    expect(normalizedValues('someone often tenders').numbers).toEqual([]); // words inside words are not numbers
  });

  it('reads decimal commas (one or two digits after the comma) as decimal points', () => {
    expect(normalizedValues('Total: €17,85 (incl. €1,50 fee); 1.203,17 SEK; 2,5 kg').numbers).toEqual(['17.85', '1.5', '1203.17', '2.5']);
    // Three digits after a comma are thousands; digit runs around other separators are left alone.
    expect(normalizedValues('EUR 1,203.17 and 1,500 and 3,141,592 and 12,34,56').numbers).toEqual([]);
  });
});

describe('CopySource with normalized forms', () => {
  it('appends them after separators that no value crosses, and lists the text\'s numbers once each', () => {
    const s = new CopySource('Due the 3rd of June 2026; seven items at $1,200.00; code SKU-0042.');
    const strings = new TextDecoder().decode(s.stringBytes);
    expect(strings.endsWith('\u00002026-06-03')).toBe(true);
    expect(s.numbers).toEqual(['3', '2026', '1200.00', '1200', '-0042', '0042', '-42', '42', '7']);
    // Digit-led string starts: wherever a digit begins a word (after a space, '$', ',', '.', '-', a NUL).
    const starts = s.digitStarts.map((i) => strings.slice(i, i + 4));
    expect(starts).toEqual(['3rd ', '2026', '1,20', '200.', '00; ', '0042', '2026', '06-0', '03']);
  });
});
