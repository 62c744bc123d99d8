/**
 * A minimal typed event emitter: `on` returns its own unsubscribe function, so a caller (a React
 * effect behind IPC, a test) cleans up without keeping the listener around.
 */
export class TypedEmitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<(payload: never) => void>>();

  on<N extends keyof Events>(name: N, listener: (payload: Events[N]) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  protected emit<N extends keyof Events>(name: N, payload: Events[N]): void {
    for (const listener of [...(this.listeners.get(name) ?? [])]) (listener as (payload: Events[N]) => void)(payload);
  }

  protected removeAllListeners(): void {
    this.listeners.clear();
  }
}
