import type { ImageState } from '../cache';

const INITIAL_CAPACITY = 4096;

/**
 * Every cached image's state as a sync compares it with the server's lists, packed. Kept as the
 * row objects the cache returns, they cost ~750 bytes an image: 75 MB of live heap at 100k, and
 * the lean heap (heap.ts) ran a full collection every ~100 ms while they piled up (13–25 ms
 * pauses; event-loop stalls of 50–74 ms in every periodic sync). Here an image costs its name,
 * a map entry and 14 bytes of columns; board ids and categories are stored once each.
 */
export class CachedStates {
  private readonly slots = new Map<string, number>();
  private names: string[] = [];
  private boards = new Uint32Array(INITIAL_CAPACITY);
  private categories = new Uint8Array(INITIAL_CAPACITY);
  /** Bit 0 starred, bit 1 intermediate, bit 2 deleted (a tombstone). */
  private flags = new Uint8Array(INITIAL_CAPACITY);
  private touched = new Float64Array(INITIAL_CAPACITY);
  /** Board ids by index; 0 is no board. */
  private readonly boardIds = new Interned<string | null>([null]);
  private readonly categoryNames = new Interned<string>([]);

  get size(): number {
    return this.names.length;
  }

  add(state: ImageState): void {
    const slot = this.names.length;
    if (slot === this.flags.length) this.grow();
    this.slots.set(state.image_name, slot);
    this.names.push(state.image_name);
    this.boards[slot] = this.boardIds.indexOf(state.board_id);
    this.categories[slot] = this.categoryNames.indexOf(state.category);
    this.flags[slot] = (state.starred ? 1 : 0) | (state.is_intermediate ? 2 : 0) | (state.deleted ? 4 : 0);
    this.touched[slot] = state.touched_at;
  }

  has(name: string): boolean {
    return this.slots.has(name);
  }

  get(name: string): ImageState | undefined {
    const slot = this.slots.get(name);
    return slot === undefined ? undefined : this.at(slot);
  }

  /**
   * The states whose names `listed` lacks and that were last written before `before`: what the
   * server no longer lists. Only those are built as objects, not one per cached image.
   */
  *unlisted(listed: ReadonlySet<string>, before: number): IterableIterator<ImageState> {
    for (let slot = 0; slot < this.names.length; slot++) {
      if (!listed.has(this.names[slot]!) && this.touched[slot]! < before) yield this.at(slot);
    }
  }

  private at(slot: number): ImageState {
    const flags = this.flags[slot]!;
    return {
      image_name: this.names[slot]!,
      board_id: this.boardIds.at(this.boards[slot]!),
      category: this.categoryNames.at(this.categories[slot]!),
      starred: flags & 1,
      is_intermediate: (flags >> 1) & 1,
      deleted: (flags >> 2) & 1,
      touched_at: this.touched[slot]!,
    };
  }

  private grow(): void {
    const capacity = this.flags.length * 2;
    const grown = <T extends Uint32Array | Uint8Array | Float64Array>(array: T, make: (length: number) => T): T => {
      const copy = make(capacity);
      copy.set(array);
      return copy;
    };
    this.boards = grown(this.boards, (length) => new Uint32Array(length));
    this.categories = grown(this.categories, (length) => new Uint8Array(length));
    this.flags = grown(this.flags, (length) => new Uint8Array(length));
    this.touched = grown(this.touched, (length) => new Float64Array(length));
  }
}

/** A few distinct values (board ids, categories) stored once, each known by its index. */
class Interned<T> {
  private readonly indexes = new Map<T, number>();

  constructor(private readonly values: T[]) {
    values.forEach((value, index) => this.indexes.set(value, index));
  }

  indexOf(value: T): number {
    let index = this.indexes.get(value);
    if (index === undefined) {
      index = this.values.push(value) - 1;
      this.indexes.set(value, index);
    }
    return index;
  }

  at(index: number): T {
    return this.values[index]!;
  }
}
