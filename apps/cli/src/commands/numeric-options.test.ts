import { describe, expect, it } from 'vitest';
import { UsageError } from '../command.js';
import { NUMERIC_OPTIONS, parseNumeric, rangeNote } from './numeric-options.js';

describe('parseNumeric', () => {
  const epochs = NUMERIC_OPTIONS.epochs;
  const lr = NUMERIC_OPTIONS.lr;

  it('accepts plain decimal values inside the range', () => {
    expect(parseNumeric('epochs', '12', epochs)).toBe(12);
    expect(parseNumeric('epochs', '010', epochs)).toBe(10);
    expect(parseNumeric('lr', '0.05', lr)).toBe(0.05);
    expect(parseNumeric('lr', '1e-3', lr)).toBe(0.001);
    expect(parseNumeric('lr', '.5', lr)).toBe(0.5);
  });

  for (const [name, text, why] of [
    ['epochs', '', 'empty'],
    ['epochs', ' ', 'blank'],
    ['epochs', '0', 'below the minimum'],
    ['epochs', '1e12', 'exponent where a whole number is due (and far too large)'],
    ['epochs', '10001', 'above the maximum'],
    ['epochs', '0x10', 'hexadecimal'],
    ['epochs', '0b11', 'binary'],
    ['epochs', '2.5', 'fractional'],
    ['epochs', '-3', 'negative'],
    ['epochs', 'Infinity', 'infinite'],
    ['epochs', '99999999999999999999', 'not a safe integer'],
    ['lr', '0', 'zero learning rate'],
    ['lr', '-0.1', 'negative learning rate'],
    ['lr', '11', 'above the maximum'],
    ['lr', 'NaN', 'not a number'],
    ['lr', '1e400', 'overflows to infinity'],
    ['lr', '0x1', 'hexadecimal'],
  ] as const) {
    it(`refuses ${why}: --${name} '${text}'`, () => {
      const run = () => parseNumeric(name, text, NUMERIC_OPTIONS[name]);
      expect(run).toThrow(UsageError);
      expect(run).toThrow(`--${name} must be `);
      expect(run).toThrow(`got '${text}'`);
    });
  }

  it('says the range in the message and in help notes', () => {
    expect(() => parseNumeric('batch-size', '1000000000', NUMERIC_OPTIONS['batch-size'])).toThrow(
      "--batch-size must be a whole number from 1 to 8192, got '1000000000'",
    );
    expect(() => parseNumeric('lr', '0', lr)).toThrow(
      "--lr must be a decimal number above 0 up to 10, got '0'",
    );
    expect(rangeNote('epochs')).toBe('(1..10000)');
    expect(rangeNote('lr')).toBe('(> 0, ≤ 10)');
  });
});
