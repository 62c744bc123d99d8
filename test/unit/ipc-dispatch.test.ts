import { describe, expect, it } from 'vitest';
import { dispatch, type Handlers } from '../../src/main/ipc/dispatch';
import { invokeContract, type IpcError } from '../../src/shared/ipc';

const describeError = (error: unknown): IpcError => ({ code: 'internal', message: error instanceof Error ? error.message : String(error) });

/** Handlers that record what they were given; only the channels a test calls are implemented. */
function recordingHandlers(calls: unknown[]): Handlers {
  return new Proxy({} as Handlers, {
    get: (_target, channel) => (input: unknown) => {
      calls.push({ channel, input });
      if (channel === 'boards.create') throw new Error('Board names must be unique on this server.');
      return { ok: true };
    },
  });
}

describe('IPC dispatch', () => {
  it('refuses an unknown channel before any handler runs', async () => {
    const calls: unknown[] = [];
    const result = await dispatch(recordingHandlers(calls), 'fs.readFile', { path: '/etc/passwd' }, { describeError });
    expect(result).toEqual({ ok: false, error: { code: 'unknown_channel', message: 'Unknown channel "fs.readFile"' } });
    expect(calls).toEqual([]);
  });

  it.each([
    ['wrong types', 'images.star', { image_names: 'a.png', starred: 'yes' }],
    ['a missing field', 'images.star', { image_names: ['a.png'] }],
    ['an unknown extra key', 'boards.delete', { board_id: 'b', include_images: true, force: true }],
    ['a huge string', 'boards.create', { name: 'x'.repeat(100_000) }],
    ['an empty name list', 'images.delete', { image_names: [] }],
    ['a prototype-polluting input', 'cache.clear', JSON.parse('{"__proto__":{"polluted":true}}')],
    ['no input at all', 'images.page', undefined],
  ])('refuses %s with invalid_input, naming the channel', async (_label, channel, input) => {
    const calls: unknown[] = [];
    const result = await dispatch(recordingHandlers(calls), channel, input, { describeError });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid_input');
      expect(result.error.message.startsWith(`${channel}:`)).toBe(true);
    }
    expect(calls).toEqual([]);
  });

  it('passes parsed input to the handler and wraps its value', async () => {
    const calls: unknown[] = [];
    const result = await dispatch(recordingHandlers(calls), 'images.star', { image_names: ['a.png'], starred: true }, { describeError });
    expect(result).toEqual({ ok: true, value: { ok: true } });
    expect(calls).toEqual([{ channel: 'images.star', input: { image_names: ['a.png'], starred: true } }]);
  });

  it('turns a thrown error into an envelope in words', async () => {
    const result = await dispatch(recordingHandlers([]), 'boards.create', { name: 'Portraits' }, { describeError });
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: 'Board names must be unique on this server.' } });
  });

  it('catches a handler answer that breaks the contract when outputs are validated', async () => {
    const result = await dispatch(recordingHandlers([]), 'cache.stats', {}, { describeError, validateOutputs: true });
    expect(result.ok).toBe(false);
  });

  it('covers every channel of the contract with an input and an output schema', () => {
    for (const [channel, schemas] of Object.entries(invokeContract)) {
      expect(schemas.input, channel).toBeDefined();
      expect(schemas.output, channel).toBeDefined();
    }
  });
});
