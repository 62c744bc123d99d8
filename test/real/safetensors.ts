import { writeFileSync } from 'node:fs';

export type Tensors = Record<string, { shape: number[]; data: Float32Array }>;

/**
 * Encodes float32 tensors as a safetensors file: an 8-byte little-endian header length, a JSON
 * header of {name: {dtype, shape, data_offsets}}, then the raw little-endian data.
 */
export function encodeSafetensors(tensors: Tensors, metadata: Record<string, string> = {}): Buffer {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [name, { shape, data }] of Object.entries(tensors)) {
    const count = shape.reduce((a, b) => a * b, 1);
    if (count !== data.length) throw new Error(`tensor ${name}: shape ${shape.join('x')} does not hold ${data.length} values`);
    const bytes = Buffer.alloc(data.length * 4);
    data.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
    chunks.push(bytes);
  }
  // The format allows trailing spaces in the header; padding to 8 bytes keeps the data aligned.
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([head, Buffer.from(json), ...chunks]);
}

/** Deterministic values in [-0.05, 0.05) from a seed. */
function values(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) / 10;
  }
  return out;
}

/**
 * A textual-inversion embedding InvokeAI identifies without downloading anything:
 * `emb_params` [vectors, 768] probes as base `sd-1`; `clip_l` [n, 768] + `clip_g` [n, 1280] as `sdxl`.
 */
export function embeddingFile(kind: 'sd-1' | 'sdxl', vectors: number, seed: number): Buffer {
  if (kind === 'sd-1') return encodeSafetensors({ emb_params: { shape: [vectors, 768], data: values(vectors * 768, seed) } });
  return encodeSafetensors({
    clip_l: { shape: [vectors, 768], data: values(vectors * 768, seed) },
    clip_g: { shape: [vectors, 1280], data: values(vectors * 1280, seed + 1) },
  });
}

export function writeEmbedding(path: string, kind: 'sd-1' | 'sdxl', vectors: number, seed: number): void {
  writeFileSync(path, embeddingFile(kind, vectors, seed));
}
