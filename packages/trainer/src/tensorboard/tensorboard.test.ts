import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crc32c, maskCrc } from './crc32c.js';
import { decodeEvent, FILE_VERSION, fileVersionEvent, scalarEvent } from './proto.js';
import { tensorBoardScalars } from './scalars.js';
import { frameRecord, readRecords } from './tfrecord.js';
import { SummaryWriter } from './writer.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (...parts: string[]) => new Uint8Array(Buffer.from(parts.join(''), 'hex'));
const ascii = (s: string) => new TextEncoder().encode(s);

describe('CRC-32C', () => {
  it('matches the check value and the RFC 3720 (iSCSI) test vectors', () => {
    expect(crc32c(ascii('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
  });

  it('masks as TFRecord does: ((crc >>> 15) | (crc << 17)) + 0xa282ead8', () => {
    expect(maskCrc(0)).toBe(0xa282ead8);
    // 0xe3069283 rotated right by 15 is 0x2507c60d; plus the constant, modulo 2^32.
    expect(maskCrc(0xe3069283)).toBe(0xc78ab0e5);
  });
});

// A scalar event worked out by hand from event.proto / summary.proto and the protobuf encoding:
//   09 <double 1.5>          Event.wall_time (field 1, fixed64)
//   10 03                    Event.step = 3 (field 2, varint)
//   2a 0a                    Event.summary (field 5, 10 bytes)
//     0a 08                  Summary.value (field 1, 8 bytes)
//       0a 01 61             Value.tag = "a"
//       15 <float 0.5>       Value.simple_value (field 2, fixed32)
const SCALAR = bytes('09', '000000000000f83f', '1003', '2a0a', '0a08', '0a0161', '15', '0000003f');
// The TFRecord around it: length 23 as uint64 LE, its masked CRC-32C, the payload, its masked CRC.
const SCALAR_RECORD = bytes('1700000000000000', 'e7cef81e', hex(SCALAR), 'de5768cd');
// The first event of a file: wall_time 1.5, file_version (field 3) "brain.Event:2".
const VERSION = bytes('09', '000000000000f83f', '1a0d', hex(ascii('brain.Event:2')));
const VERSION_RECORD = bytes('1800000000000000', 'a37f4b22', hex(VERSION), '2a28646c');

describe('Event protobufs and TFRecord framing', () => {
  it('encode a scalar event and the file-version event to the bytes the spec gives', () => {
    expect(hex(scalarEvent('a', 0.5, 3, 1.5))).toBe(hex(SCALAR));
    expect(hex(fileVersionEvent(1.5))).toBe(hex(VERSION));
    expect(FILE_VERSION).toBe('brain.Event:2');
  });

  it('frame records with masked CRC-32Cs of the length and the payload', () => {
    expect(hex(frameRecord(SCALAR))).toBe(hex(SCALAR_RECORD));
    expect(hex(frameRecord(VERSION))).toBe(hex(VERSION_RECORD));
    // An empty record: length 0, the masked CRC of 8 zero bytes (CRC 0x8c28b28a), and the masked
    // CRC of nothing, maskCrc(0) = 0xa282ead8.
    expect(hex(frameRecord(new Uint8Array(0)))).toBe('000000000000000029039807d8ea82a2');
  });

  it('reads records back, checking both CRCs and the framing', () => {
    const file = new Uint8Array([...VERSION_RECORD, ...SCALAR_RECORD]);
    const records = readRecords(file, 'f');
    expect(records.map(hex)).toEqual([hex(VERSION), hex(SCALAR)]);
    expect(decodeEvent(records[1]!)).toEqual({
      wallTime: 1.5,
      step: 3,
      summary: { value: [{ tag: 'a', simpleValue: 0.5 }] },
    });
    const flipped = file.slice();
    flipped[VERSION_RECORD.length + 14]! ^= 1;
    expect(() => readRecords(flipped, 'f')).toThrow(/f: record 1 at byte 40: payload CRC mismatch/);
    const badLength = file.slice();
    badLength[0] = 0x19;
    expect(() => readRecords(badLength, 'f')).toThrow(/record 0 at byte 0: length CRC mismatch/);
    expect(() => readRecords(file.subarray(0, file.length - 3), 'f')).toThrow(
      /record 1 .* runs past the end/,
    );
  });
});

describe('SummaryWriter', () => {
  it('writes an event file TensorBoard can read: version first, then the scalars', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'igc-tb-'));
    const w = await SummaryWriter.open(join(dir, 'logs'));
    for (const e of [
      {
        type: 'log',
        step: 5,
        epoch: 0.5,
        trainLoss: 2.1,
        trainTop1Error: 0.8,
        lr: 0.1,
        gradNorm: 3,
        imagesPerSec: 100,
        steps: 5,
        images: 40,
        seconds: 1,
      },
      { type: 'eval', epoch: 1, step: 10, loss: 1.5, top1Error: 0.4, top5Error: 0.1, count: 50 },
    ] as const) {
      const s = tensorBoardScalars(e)!;
      for (const [tag, v] of s.values) w.scalar(tag, v, s.step, 1000);
    }
    await w.close();
    const [name] = await readdir(join(dir, 'logs'));
    expect(name).toMatch(/^events\.out\.tfevents\.\d+\./);
    const events = readRecords(await readFile(w.file), w.file).map(decodeEvent);
    expect(events[0]).toMatchObject({ fileVersion: 'brain.Event:2' });
    const scalars = events
      .slice(1)
      .map((e) => [e.step, e.summary!.value[0]!.tag, e.summary!.value[0]!.simpleValue]);
    expect(scalars).toEqual([
      [5, 'train/loss', Math.fround(2.1)],
      [5, 'train/top1_error', Math.fround(0.8)],
      [5, 'train/lr', Math.fround(0.1)],
      [5, 'train/images_per_sec', 100],
      [5, 'train/grad_norm', 3],
      [10, 'test/loss', 1.5],
      [10, 'test/top1_error', Math.fround(0.4)],
      [10, 'test/top5_error', Math.fround(0.1)],
    ]);
    expect(() => w.scalar('x', 1, 1)).toThrow(/closed/);
    await rm(dir, { recursive: true });
  });
});
