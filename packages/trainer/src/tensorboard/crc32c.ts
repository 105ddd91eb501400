import { createRequire } from 'node:module';
import type * as Crc32 from 'crc-32';

// crc-32 is CommonJS (SheetJS); `crc-32/crc32c` is its CRC-32C (Castagnoli) table variant, the
// checksum TFRecord files use. Loaded through `require` as the ESM loader cannot see its exports.
const CRC32C = createRequire(import.meta.url)('crc-32/crc32c') as typeof Crc32;

/** CRC-32C (Castagnoli, as in iSCSI and TFRecord) of `data`, as an unsigned 32-bit integer. */
export function crc32c(data: Uint8Array): number {
  return CRC32C.buf(data) >>> 0;
}

/** TFRecord's masked CRC: the CRC rotated right by 15 bits plus 0xa282ead8, modulo 2³². */
export function maskCrc(crc: number): number {
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
}

/** The masked CRC-32C of `data`, as TFRecord stores it. */
export function maskedCrc32c(data: Uint8Array): number {
  return maskCrc(crc32c(data));
}
