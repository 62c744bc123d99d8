import type { EventName, EventPayload, InvokeChannel, InvokeInput, InvokeOutput } from '../../../shared/ipc';

/**
 * The renderer's only door to the main process. Store actions import it; components never do,
 * so every call to main is visible in the slices and nowhere else. Lint keeps `window.ivk` out of
 * every other renderer file (eslint.config.js).
 */
export function invoke<C extends InvokeChannel>(channel: C, input: InvokeInput<C>): Promise<InvokeOutput<C>> {
  return claimEarly(channel, input) ?? window.ivk.invoke(channel, input);
}

/** Answers asked for before the app's code had loaded (boot.ts), each waiting for its first `invoke`. */
const early = new Map<string, Promise<unknown>>();

function callKey(channel: InvokeChannel, input: unknown): string {
  return `${channel} ${JSON.stringify(input)}`;
}

function claimEarly<C extends InvokeChannel>(channel: C, input: InvokeInput<C>): Promise<InvokeOutput<C>> | undefined {
  // Most calls pay nothing: the inputs of bulk actions can hold 200k names.
  if (early.size === 0) return undefined;
  const key = callKey(channel, input);
  const answer = early.get(key);
  early.delete(key);
  // Set under the same key by invokeEarly, for this channel and input.
  return answer as Promise<InvokeOutput<C>> | undefined;
}

/**
 * Calls main now, for the first `invoke` of the same channel and input to take instead of asking
 * again. An answer nobody claims within `claimWithinMs` is dropped, so it is never served late.
 */
export function invokeEarly<C extends InvokeChannel>(channel: C, input: InvokeInput<C>, claimWithinMs: number): Promise<InvokeOutput<C>> {
  const key = callKey(channel, input);
  const answer = window.ivk.invoke(channel, input);
  // Whoever claims it sees a failure; unclaimed, it is not an unhandled rejection.
  answer.catch(() => undefined);
  early.set(key, answer);
  setTimeout(() => {
    if (early.get(key) === answer) early.delete(key);
  }, claimWithinMs);
  return answer;
}

export function subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
  return window.ivk.on(event, listener);
}

export function pathsForFiles(files: readonly File[]): Promise<string[]> {
  return window.ivk.pathsForFiles(files);
}

/** Whether a preload defined the bridge; boot.ts loads the test host's otherwise. */
export function bridgeInstalled(): boolean {
  return 'ivk' in window;
}
