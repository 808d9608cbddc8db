/**
 * The safetensors file format (F32 tensors only): an 8-byte little-endian header length, a JSON
 * header {name: {dtype, shape, data_offsets}, __metadata__?}, then the raw little-endian data.
 */
import { TspError } from '../../spec/errors.ts';

export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

export function encodeSafetensors(
  tensors: Map<string, NamedTensor>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  const names = [...tensors.keys()].sort();
  for (const name of names) {
    const t = tensors.get(name) as NamedTensor;
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.data.length)
      throw new TspError(
        'internal',
        `safetensors: ${name} has ${t.data.length} values for shape [${t.shape}]`,
      );
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  while ((8 + Buffer.byteLength(json)) % 8 !== 0) json += ' ';
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const name of names) {
    const t = tensors.get(name) as NamedTensor;
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}

export function decodeSafetensors(bytes: Uint8Array): {
  tensors: Map<string, NamedTensor>;
  metadata: Record<string, string>;
} {
  if (bytes.length < 8) throw new TspError('invalid-input', 'safetensors: file too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (8 + n > bytes.length)
    throw new TspError('invalid-input', 'safetensors: header length exceeds the file');
  let header: Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>
  >;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch (cause) {
    throw new TspError('invalid-input', 'safetensors: header is not JSON', { cause });
  }
  const base = 8 + n;
  const tensors = new Map<string, NamedTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const e = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    if (e.dtype !== 'F32')
      throw new TspError('unsupported', `safetensors: ${name} has dtype ${e.dtype}; only F32 is read`);
    const [start, end] = e.data_offsets;
    if (base + end > bytes.length || end < start)
      throw new TspError('invalid-input', `safetensors: ${name} data lies outside the file`);
    // copy so that the result is aligned and independent of `bytes`
    const data = new Float32Array(new Uint8Array(bytes.subarray(base + start, base + end)).buffer);
    tensors.set(name, { shape: e.shape, data });
  }
  return { tensors, metadata };
}
