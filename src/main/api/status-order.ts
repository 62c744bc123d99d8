/**
 * Drops `queue_item_status_changed` events that arrive after a later one for the same item.
 * The server numbers each item's status changes (`status_sequence`, from 6.13); events without
 * a number (older servers) always pass.
 */
export class StatusOrder {
  private readonly latest = new Map<number, number>();

  constructor(private readonly capacity = 10_000) {}

  /** True when the event is newer than any seen for its item; records it if so. */
  accept(itemId: number, sequence: number | null | undefined): boolean {
    if (sequence === null || sequence === undefined) return true;
    const seen = this.latest.get(itemId);
    if (seen !== undefined && sequence <= seen) return false;
    // Re-insert so that Map order is least recently updated first, then evict from the front.
    this.latest.delete(itemId);
    this.latest.set(itemId, sequence);
    if (this.latest.size > this.capacity) {
      const oldest = this.latest.keys().next();
      if (!oldest.done) this.latest.delete(oldest.value);
    }
    return true;
  }

  /** After the whole queue is cleared the server may hand out the same ids again. */
  reset(): void {
    this.latest.clear();
  }
}
