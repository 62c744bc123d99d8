import type { EventName, EventPayload, InvokeChannel, InvokeInput, InvokeOutput } from '../../../shared/ipc';

/**
 * The renderer's only door to the main process. Store actions import it; components never do,
 * so every call to main is visible in the slices and nowhere else. Lint keeps `window.ivk` out of
 * every other renderer file (eslint.config.js).
 */
export function invoke<C extends InvokeChannel>(channel: C, input: InvokeInput<C>): Promise<InvokeOutput<C>> {
  return window.ivk.invoke(channel, input);
}

export function subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
  return window.ivk.on(event, listener);
}

export function pathsForFiles(files: readonly File[]): Promise<string[]> {
  return window.ivk.pathsForFiles(files);
}

/** Whether a preload defined the bridge; main.tsx loads the test host's otherwise. */
export function bridgeInstalled(): boolean {
  return 'ivk' in window;
}
