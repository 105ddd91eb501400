import { createRequire } from 'node:module';
import type * as Protobuf from 'protobufjs';

// protobufjs is CommonJS; its light build (reflection, no .proto parser) is all that is needed.
const protobuf = createRequire(import.meta.url)('protobufjs/light') as typeof Protobuf;

/**
 * The two messages of TensorBoard's event files, as declared in TensorFlow's
 * `tensorflow/core/util/event.proto` and `tensorflow/core/framework/summary.proto`: the field
 * numbers and types are the spec's; the fields this writer never sets are left out (a reader
 * skips unknown fields, and these are all optional). Names are protobufjs's camelCase.
 */
const root = protobuf.Root.fromJSON({
  nested: {
    tensorflow: {
      nested: {
        Event: {
          oneofs: { what: { oneof: ['fileVersion', 'summary'] } },
          fields: {
            wallTime: { type: 'double', id: 1 },
            step: { type: 'int64', id: 2 },
            fileVersion: { type: 'string', id: 3 },
            summary: { type: 'Summary', id: 5 },
          },
        },
        Summary: {
          fields: { value: { rule: 'repeated', type: 'Value', id: 1 } },
          nested: {
            Value: {
              oneofs: { value: { oneof: ['simpleValue'] } },
              fields: {
                tag: { type: 'string', id: 1 },
                simpleValue: { type: 'float', id: 2 },
              },
            },
          },
        },
      },
    },
  },
});

const EventType = root.lookupType('tensorflow.Event');

/** The version string TensorBoard expects in the first event of a file. */
export const FILE_VERSION = 'brain.Event:2';

/** An event as this package writes and reads it. */
export interface TbEvent {
  wallTime: number;
  step?: number;
  fileVersion?: string;
  summary?: { value: { tag: string; simpleValue: number }[] };
}

/** Serialises an `Event`. */
export function encodeEvent(e: TbEvent): Uint8Array {
  const problem = EventType.verify(e);
  if (problem) throw new Error(`TensorBoard event: ${problem}`);
  return EventType.encode(EventType.create(e)).finish();
}

/** The first event of a file: its wall time and `file_version`. */
export function fileVersionEvent(wallTime: number): Uint8Array {
  return encodeEvent({ wallTime, fileVersion: FILE_VERSION });
}

/** One scalar (`Summary.Value.simple_value`) at `step`. */
export function scalarEvent(
  tag: string,
  value: number,
  step: number,
  wallTime: number,
): Uint8Array {
  if (!Number.isSafeInteger(step) || step < 0)
    throw new Error(
      `TensorBoard scalar '${tag}': step must be a non-negative integer, got ${step}`,
    );
  return encodeEvent({ wallTime, step, summary: { value: [{ tag, simpleValue: value }] } });
}

/** Parses an `Event` (int64 steps as numbers). */
export function decodeEvent(bytes: Uint8Array): TbEvent {
  return EventType.toObject(EventType.decode(bytes), { longs: Number }) as TbEvent;
}
