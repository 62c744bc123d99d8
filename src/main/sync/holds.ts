/**
 * Nested holds on something that runs only while held (the sync's writer thread, the checkpoint
 * worker): `begin` when the first hold is taken, `end` when the last one is let go. Letting go
 * of the same hold twice counts once.
 */
export class Holds {
  private count = 0;

  constructor(
    private readonly begin: () => void,
    private readonly end: () => void,
  ) {}

  get held(): boolean {
    return this.count > 0;
  }

  take(): () => void {
    if (this.count++ === 0) this.begin();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.count === 0) this.end();
    };
  }

  /** Forgets every hold without calling `end` (the owner is stopping and ends itself). */
  clear(): void {
    this.count = 0;
  }
}
