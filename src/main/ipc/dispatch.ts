import type { z } from 'zod';
import {
  invokeContract,
  type InvokeChannel,
  type InvokeContract,
  type InvokeOutput,
  type IpcEnvelope,
  type IpcError,
} from '../../shared/ipc';

/** One handler per invoke channel, receiving its input already parsed by the contract. */
export type Handlers = {
  [C in InvokeChannel]: (input: z.output<InvokeContract[C]['input']>) => Promise<InvokeOutput<C>> | InvokeOutput<C>;
};

export interface DispatchOptions {
  /** Turns any thrown value into words the UI can show. */
  describeError: (error: unknown) => IpcError;
  /** Check outputs against the contract too: on in tests and the test host, to catch drift. */
  validateOutputs?: boolean;
}

function isChannel(channel: string): channel is InvokeChannel {
  return Object.hasOwn(invokeContract, channel);
}

/**
 * The single entry point for every invoke, in Electron and in the test host alike: it refuses
 * unknown channels and invalid input before any handler runs, and never lets an exception cross
 * the boundary as anything but an error envelope.
 */
export async function dispatch(
  handlers: Handlers,
  channel: string,
  rawInput: unknown,
  options: DispatchOptions,
): Promise<IpcEnvelope<unknown>> {
  if (!isChannel(channel)) {
    return { ok: false, error: { code: 'unknown_channel', message: `Unknown channel "${channel.slice(0, 100)}"` } };
  }
  const contract = invokeContract[channel];
  const input = contract.input.safeParse(rawInput);
  if (!input.success) {
    const issue = input.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'input';
    return { ok: false, error: { code: 'invalid_input', message: `${channel}: ${where}: ${issue?.message ?? 'invalid'}` } };
  }
  try {
    const handler = handlers[channel] as (input: unknown) => unknown;
    const value = await handler(input.data);
    if (options.validateOutputs) contract.output.parse(value);
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error: options.describeError(error) };
  }
}
