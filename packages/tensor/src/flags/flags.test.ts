import { afterEach, describe, expect, it } from 'vitest';
import { boolFlag, defineFlags, enumFlag, intFlag, stringFlag } from './flags.js';

const ENV = ['IGCNET_TEST_N', 'IGCNET_TEST_ON', 'IGCNET_TEST_MODE', 'IGCNET_TEST_URL'];

const flags = defineFlags('@igcnet/test', {
  n: intFlag({ env: 'IGCNET_TEST_N', doc: 'A count.', default: () => 3, defaultText: '3', min: 1 }),
  on: boolFlag({ env: 'IGCNET_TEST_ON', doc: 'A switch.', default: true }),
  mode: enumFlag({ env: 'IGCNET_TEST_MODE', doc: 'A | choice.', default: 'a', values: ['a', 'b'] }),
  url: stringFlag({ env: 'IGCNET_TEST_URL', doc: 'A place.', defaultText: 'none' }),
});

afterEach(() => {
  for (const k of ENV) delete process.env[k];
  for (const k of ['n', 'on', 'mode', 'url'] as const) flags.set(k, undefined);
});

describe('flags', () => {
  it('give their defaults when nothing is set', () => {
    expect([flags.get('n'), flags.get('on'), flags.get('mode'), flags.get('url')]).toEqual([
      3,
      true,
      'a',
      undefined,
    ]);
  });

  it('read the environment at each get, and an empty variable counts as unset', () => {
    process.env.IGCNET_TEST_N = '7';
    process.env.IGCNET_TEST_ON = '0';
    process.env.IGCNET_TEST_MODE = 'b';
    process.env.IGCNET_TEST_URL = 'http://127.0.0.1:1/x';
    expect([flags.get('n'), flags.get('on'), flags.get('mode'), flags.get('url')]).toEqual([
      7,
      false,
      'b',
      'http://127.0.0.1:1/x',
    ]);
    process.env.IGCNET_TEST_ON = 'true';
    process.env.IGCNET_TEST_N = '';
    expect([flags.get('on'), flags.get('n')]).toEqual([true, 3]);
  });

  it('take an override over the environment until it is cleared', () => {
    process.env.IGCNET_TEST_N = '7';
    flags.set('n', 2);
    expect(flags.get('n')).toBe(2);
    flags.set('n', undefined);
    expect(flags.get('n')).toBe(7);
  });

  it('name the variable and what it accepts when its value does not parse', () => {
    for (const [k, v, name, accepts] of [
      ['IGCNET_TEST_N', '0', 'n', 'an integer ≥ 1'],
      ['IGCNET_TEST_N', '2.5', 'n', 'an integer ≥ 1'],
      ['IGCNET_TEST_ON', 'yes', 'on', '1 or 0'],
      ['IGCNET_TEST_MODE', 'c', 'mode', 'one of a, b'],
    ] as const) {
      process.env[k] = v;
      expect(() => flags.get(name)).toThrow(
        `@igcnet/test: environment variable ${k}='${v}' is not valid; expected ${accepts}`,
      );
      delete process.env[k];
    }
  });

  it('find their table in a README whatever its column padding, and name the rows it lacks', () => {
    const padded = flags
      .markdown()
      .split('\n')
      .map((l) => l.replaceAll('| ', '|   ').replaceAll('---', '-------'))
      .join('\n');
    expect(flags.missingFrom(`# pkg\n\n${padded}\n\nmore`)).toEqual([]);
    const stale = padded.replace(/\|\s*3\s*\|/, '| 4 |');
    expect(flags.missingFrom(stale)).toEqual([
      '| `IGCNET_TEST_N` | an integer ≥ 1 | 3 | A count. |',
    ]);
  });

  it('render the table a README includes, pipes escaped', () => {
    expect(flags.markdown().split('\n')).toEqual([
      '| variable | accepts | default | what it does |',
      '| --- | --- | --- | --- |',
      '| `IGCNET_TEST_N` | an integer ≥ 1 | 3 | A count. |',
      '| `IGCNET_TEST_ON` | 1 or 0 (true or false) | true | A switch. |',
      '| `IGCNET_TEST_MODE` | one of a, b | a | A \\| choice. |',
      '| `IGCNET_TEST_URL` | text | none | A place. |',
    ]);
  });
});
