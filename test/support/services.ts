import { dispatch } from '../../src/main/ipc/dispatch';
import type { AppServices } from '../../src/main/services';

/**
 * One IPC call through the same `dispatch` the window uses, outputs checked against the contract;
 * an error envelope becomes a thrown `code: message`.
 */
export async function callChannel<T = unknown>(services: AppServices, channel: string, input: unknown): Promise<T> {
  const envelope = await dispatch(services.handlers, channel, input, { describeError: services.describeError, validateOutputs: true });
  if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value as T;
}

/** Polls `probe` until it answers something truthy; fails with `what` after `timeoutMs`. */
export async function until<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
