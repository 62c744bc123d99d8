import { describe, expect, it } from 'vitest';
import { embeddingFile, encodeSafetensors } from './safetensors';
import { invokeaiYaml } from './server';

function readHeader(buf: Buffer): Record<string, any> {
  const len = Number(buf.readBigUInt64LE(0));
  return JSON.parse(buf.subarray(8, 8 + len).toString('utf8'));
}

describe('real-server tooling', () => {
  it('writes safetensors with a length-prefixed JSON header and float32 data after it', () => {
    const buf = encodeSafetensors({ a: { shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) } }, { format: 'pt' });
    const len = Number(buf.readBigUInt64LE(0));
    expect((8 + len) % 8).toBe(0);
    const header = readHeader(buf);
    expect(header).toEqual({ __metadata__: { format: 'pt' }, a: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] } });
    expect(buf.length).toBe(8 + len + 24);
    expect(buf.readFloatLE(8 + len + 20)).toBe(6);
  });

  it('shapes SD-1 and SDXL textual inversions the way InvokeAI probes them', () => {
    expect(readHeader(embeddingFile('sd-1', 2, 1))).toMatchObject({ emb_params: { shape: [2, 768] } });
    const sdxl = readHeader(embeddingFile('sdxl', 3, 1));
    expect(sdxl).toMatchObject({ clip_l: { shape: [3, 768] }, clip_g: { shape: [3, 1280] } });
    expect(embeddingFile('sd-1', 2, 1).equals(embeddingFile('sd-1', 2, 1))).toBe(true);
  });

  it('writes a 4.0.3 invokeai.yaml bound to loopback', () => {
    expect(invokeaiYaml(9123)).toMatch(/^schema_version: 4\.0\.3$/m);
    expect(invokeaiYaml(9123)).toMatch(/^host: 127\.0\.0\.1$/m);
    expect(invokeaiYaml(9123)).toMatch(/^port: 9123$/m);
    expect(invokeaiYaml(9123)).not.toMatch(/multiuser/);
    expect(invokeaiYaml(9123, { multiuser: true })).toMatch(/^multiuser: true$/m);
  });
});
