import type { InvokeInput } from '../../../shared/ipc';
import { itemName } from '../../../shared/item-name';
import { invokeEarly } from './bridge';
import { thumbnailUrl } from './media';

/**
 * The first screen, asked for before the app's code has loaded.
 *
 * The renderer's bundle takes a few hundred milliseconds to load and run before the store asks
 * main for its first page, and main and the disk sit idle meanwhile. So the gallery remembers the
 * first page of its view; on the next start boot.ts asks for it and for the media base as soon as
 * the bridge exists, and loads the first screen's thumbnails into the window's memory cache. The
 * store's own calls then take those answers (bridge.ts) and the grid's images are already in.
 */
const STORAGE_KEY = 'ivk-first-page';
/** Far longer than the bundle takes to load; an answer still unclaimed by then is not used. */
const CLAIM_WITHIN_MS = 5_000;

type PageInput = InvokeInput<'images.page'>;
interface RememberedPage {
  input: PageInput;
  /** The grid's cell size then: how many thumbnails fill the window. */
  thumbnailSize: number;
}

let lastRemembered: string | null = null;

/** The gallery's first page of a view that the next start will show again (no search: that is not kept). */
export function rememberFirstPage(input: PageInput, thumbnailSize: number): void {
  const remembered = JSON.stringify({ input, thumbnailSize } satisfies RememberedPage);
  // Page 0 is read again at every change a sync reports: write only what differs.
  if (remembered === lastRemembered) return;
  lastRemembered = remembered;
  try {
    localStorage.setItem(STORAGE_KEY, remembered);
  } catch {
    // Storage full or disabled: the next start asks for its first page when the store loads.
  }
}

function readRemembered(): RememberedPage | null {
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    // Main validates the input like any other; only the shape this file reads is checked here.
    if (typeof stored !== 'object' || stored === null || !('input' in stored) || !('thumbnailSize' in stored)) return null;
    const { thumbnailSize } = stored;
    return typeof thumbnailSize === 'number' && thumbnailSize > 0 ? (stored as RememberedPage) : null;
  } catch {
    return null;
  }
}

/** Kept until the store has had its chance to claim the answers: an image nobody holds may be dropped mid-load. */
const preloaded: HTMLImageElement[] = [];

export function askForFirstScreen(): void {
  const media = invokeEarly('app.mediaBase', {}, CLAIM_WITHIN_MS);
  const remembered = readRemembered();
  if (!remembered) return;
  const page = invokeEarly('images.page', remembered.input, CLAIM_WITHIN_MS);
  void Promise.all([media, page])
    .then(([base, { items }]) => {
      // Rounded up on both sides (the sidebar takes some width): a few extra thumbnails, never too few.
      const columns = Math.ceil(window.innerWidth / remembered.thumbnailSize);
      const rows = Math.ceil(window.innerHeight / remembered.thumbnailSize) + 1;
      for (const item of items.slice(0, columns * rows)) {
        const image = new Image();
        image.decoding = 'async';
        image.src = thumbnailUrl(base, itemName(item));
        preloaded.push(image);
      }
      setTimeout(() => preloaded.splice(0), CLAIM_WITHIN_MS);
    })
    .catch(() => undefined);
}
