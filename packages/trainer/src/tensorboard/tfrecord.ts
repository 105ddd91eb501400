import { maskedCrc32c } from './crc32c.js';

/** Bytes a record adds around its payload: length (8), its CRC (4) and the payload's CRC (4). */
export const RECORD_OVERHEAD = 16;

/**
 * Frames one TFRecord: uint64 little-endian length, the masked CRC-32C of those 8 bytes, the
 * payload, and the masked CRC-32C of the payload.
 */
export function frameRecord(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.length + RECORD_OVERHEAD);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(payload.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(payload, 12);
  view.setUint32(12 + payload.length, maskedCrc32c(payload), true);
  return out;
}

/**
 * Splits a TFRecord file into its payloads, checking both CRCs of every record and that the
 * file ends on a record boundary. Errors name `source`, the record and its byte offset.
 */
export function readRecords(bytes: Uint8Array, source = 'TFRecord data'): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    const where = `${source}: record ${out.length} at byte ${at}`;
    if (bytes.length - at < 12) throw new Error(`${where}: truncated header`);
    if (view.getUint32(at + 8, true) !== maskedCrc32c(bytes.subarray(at, at + 8)))
      throw new Error(`${where}: length CRC mismatch`);
    const length = view.getBigUint64(at, true);
    if (length > BigInt(bytes.length - at - RECORD_OVERHEAD))
      throw new Error(`${where}: length ${length} runs past the end of the data`);
    const n = Number(length);
    const payload = bytes.subarray(at + 12, at + 12 + n);
    if (view.getUint32(at + 12 + n, true) !== maskedCrc32c(payload))
      throw new Error(`${where}: payload CRC mismatch`);
    out.push(payload);
    at += n + RECORD_OVERHEAD;
  }
  return out;
}
