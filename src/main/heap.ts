import { setFlagsFromString } from 'node:v8';
import { Holds } from './sync/holds';

/**
 * The process's heaps: lean, except while a first sync parses DTOs in bulk.
 *
 * By default V8 lets a heap grow to about four times what survived its last full collection
 * before collecting again. Through a first sync of 100k images from the real server the main
 * process's heap reached 430–540 MB, of which ~35 MB was live, and RSS ~700 MB. V8's
 * optimize-for-size mode grows a heap by at most ~1.3× and keeps the young generation small:
 * peak RSS over the metadata backfill went from 518 to ~200 MB at the same rate (measured on
 * the real 6.14.2 at 100k). During the DTO phase, though, 1000-DTO answers are parsed back to
 * back (by the sync's writer thread, whose heap the flag governs too), and a small young
 * generation promotes every batch: that phase took 13.7–14.7 s instead of 11.5–11.9. So the
 * heaps are roomy (V8's default) while a bulk DTO fetch runs, and lean otherwise.
 *
 * V8 reads the flag at each collection, so setting it while running takes effect at the next
 * one (measured as above). Flags are process-wide: only the entry points of a main process
 * (Electron's, the CLI's, the test host's) make the heap lean; in tests V8 keeps its defaults.
 */
export class HeapPolicy {
  private lean = false;
  // A heap never made lean has nothing to lift or restore.
  private readonly roomyHolds = new Holds(
    () => {
      if (this.lean) this.setLean(false);
    },
    () => {
      if (this.lean) this.setLean(true);
    },
  );

  constructor(private readonly setLean: (lean: boolean) => void) {}

  /** From now on the heap is lean whenever nothing holds it roomy. */
  makeLean(): void {
    this.lean = true;
    if (!this.roomyHolds.held) this.setLean(true);
  }

  /** V8's default growth until the returned release (a bulk DTO fetch); nothing when the heap was never made lean. */
  holdRoomy(): () => void {
    return this.roomyHolds.take();
  }
}

export const heap = new HeapPolicy((lean) => setFlagsFromString(lean ? '--optimize-for-size' : '--no-optimize-for-size'));
