import type { StandIn } from '../server';
import type { ImageRecord } from '../server/store';

/**
 * What the gallery should show, computed from the stand-in's own data (`server.state`), never
 * from the app: the expectations of the end-to-end tests.
 */
export type Category = 'general' | 'user' | 'control' | 'mask' | 'other';
export const ASSETS: readonly Category[] = ['user', 'control', 'mask', 'other'];

export interface View {
  /** A board id, 'none' for Uncategorized, 'all' (default) for every image. */
  board?: string;
  categories?: readonly Category[];
  starredOnly?: boolean;
  starredFirst?: boolean;
  order?: 'newest' | 'oldest';
  search?: string;
}

const WORD = /[\p{L}\p{N}\p{Co}\p{Mn}]+/gu;

function words(text: string | null | undefined): string[] {
  return (text ?? '').toLowerCase().match(WORD) ?? [];
}

function metadataOf(image: ImageRecord): { positive_prompt?: string; negative_prompt?: string; model?: { name?: string } } | null {
  return image.metadata ? (JSON.parse(image.metadata) as ReturnType<typeof metadataOf>) : null;
}

/** The app's search rule: every typed word is the start of a word of the prompts or the model name. */
export function matchesSearch(image: ImageRecord, text: string): boolean {
  const terms = words(text);
  if (terms.length === 0) return true;
  const metadata = metadataOf(image);
  if (!metadata) return false;
  const tokens = [...words(metadata.positive_prompt), ...words(metadata.negative_prompt), ...words(metadata.model?.name)];
  return terms.every((term) => tokens.some((token) => token.startsWith(term)));
}

/** Every image of a view, in the order the gallery shows them. */
export function viewImages(server: StandIn, view: View = {}): ImageRecord[] {
  const { images } = server.state.gallery.queryImages({
    is_intermediate: false,
    board_id: view.board === undefined || view.board === 'all' ? null : view.board,
    categories: view.categories && view.categories.length > 0 ? view.categories : null,
    starred_first: view.starredFirst ?? false,
    order_dir: view.order === 'oldest' ? 'ASC' : 'DESC',
  });
  return images.filter((image) => (!view.starredOnly || image.starred) && (!view.search || matchesSearch(image, view.search)));
}

export function viewNames(server: StandIn, view: View = {}): string[] {
  return viewImages(server, view).map((image) => image.image_name);
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The sidebar's wording of a board's counts: "22 images, 3 assets" (assets only when there are some). */
export function countsText(server: StandIn, board: string): string {
  const images = viewImages(server, { board });
  const assets = images.filter((image) => image.image_category !== 'general').length;
  const general = images.length - assets;
  return assets > 0 ? `${plural(general, 'image')}, ${plural(assets, 'asset')}` : plural(general, 'image');
}

export interface BoardInfo {
  board_id: string;
  board_name: string;
  archived: boolean;
  size: number;
}

/** The stand-in's boards with their visible image count, biggest first. */
export function boardsBySize(server: StandIn): BoardInfo[] {
  return [...server.state.gallery.boards.values()]
    .map((board) => ({
      board_id: board.board_id,
      board_name: board.board_name,
      archived: board.archived,
      size: viewImages(server, { board: board.board_id }).length,
    }))
    .sort((a, b) => b.size - a.size || a.board_name.localeCompare(b.board_name));
}

export function boardNamed(server: StandIn, name: string): BoardInfo {
  const board = boardsBySize(server).find((candidate) => candidate.board_name === name);
  if (!board) throw new Error(`The stand-in has no board named ${name}`);
  return board;
}

/** The prompt words of a board's images that are long, not hex-like (image names are hex) and not everywhere. */
export function promptWords(server: StandIn, board: string): string[] {
  const found = new Set<string>();
  for (const image of viewImages(server, { board })) {
    for (const word of words(metadataOf(image)?.positive_prompt)) {
      if (word.length >= 5 && /[g-z]/.test(word)) found.add(word);
    }
  }
  return [...found].sort();
}
