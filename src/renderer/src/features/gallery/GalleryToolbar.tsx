import { useRef } from 'react';
import { ImageCategoryValues } from '../../../../shared/models';
import { useStore, type AppState } from '../../app/store';
import { formatCount, plural } from '../../ui/format';
import { Icon } from '../../ui/Icon';
import { RadioGroup, type RadioOption } from '../../ui/RadioGroup';
import { boardName } from '../boards/boardsSlice';
import { THUMBNAIL_SIZES } from './gallerySlice';
import { SearchBox } from '../search/SearchBox';
import { SearchChips } from '../search/SearchChips';
import { listedLength } from '../../../../shared/listed';
import { GalleryOrder, type CategoryFilter } from './galleryQuery';
import { selectedCount } from './selection';

const GROUPS: readonly RadioOption<CategoryFilter>[] = [
  { value: 'all', label: 'All' },
  { value: 'images', label: 'Images' },
  { value: 'assets', label: 'Assets' },
];

const CATEGORY_LABELS: Record<string, string> = {
  general: 'General',
  user: 'User uploads',
  control: 'Control',
  mask: 'Mask',
  other: 'Other',
};

/**
 * What the view's things are called: "items" where its board holds videos as well (by the board
 * list's counts), "images" otherwise.
 */
function viewNoun(s: Pick<AppState, 'query' | 'searchScope' | 'currentBoard' | 'boards' | 'boardTotals'>): string {
  const scope = s.query.search && s.searchScope === 'all' ? 'all' : s.currentBoard;
  const videos =
    scope === 'all'
      ? s.boardTotals?.all.video_count
      : scope === 'none'
        ? s.boardTotals?.uncategorized.video_count
        : s.boards.find((board) => board.board_id === scope)?.video_count;
  return (videos ?? 0) > 0 ? 'item' : 'image';
}

function GalleryTitle() {
  const title = useStore((s) => (s.query.search && s.searchScope === 'all' ? 'All boards' : boardName(s.boards, s.currentBoard)));
  const total = useStore((s) => s.total);
  const search = useStore((s) => s.query.search);
  const selected = useStore((s) => selectedCount(s.selection, s.total));
  const noun = useStore(viewNoun);
  const listed = useStore((s) => listedLength(s.listed, s.query));
  const count =
    total === null
      ? 'Loading…'
      : search
        ? `${plural(total, noun)} match “${search}”`
        : listed !== null && listed > total
          ? `${formatCount(total)} of ${plural(listed, noun)}`
          : plural(total, noun);
  return (
    <div className="gallery-title">
      <h1>{title}</h1>
      <span id="gallery-count" className="gallery-count" aria-live="polite">
        {count}
        {selected > 0 && <span className="gallery-selected"> · {formatCount(selected)} selected</span>}
      </span>
    </div>
  );
}

function UploadButton() {
  const uploadFiles = useStore((s) => s.uploadFiles);
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className="button" onClick={() => input.current?.click()}>
        <Icon name="upload" size={16} />
        Upload
      </button>
      <input
        ref={input}
        type="file"
        accept="image/png,image/jpeg,image/webp"
        multiple
        hidden
        aria-label="Choose images to upload"
        onChange={(event) => {
          void uploadFiles([...(event.target.files ?? [])]);
          event.target.value = '';
        }}
      />
    </>
  );
}

function Filters() {
  const categoryFilter = useStore((s) => s.categoryFilter);
  const starredOnly = useStore((s) => s.starredOnly);
  const starredFirst = useStore((s) => s.starredFirst);
  const order = useStore((s) => s.order);
  const size = useStore((s) => s.thumbnailSize);
  const categoryFilterChanged = useStore((s) => s.categoryFilterChanged);
  const starredOnlyToggled = useStore((s) => s.starredOnlyToggled);
  const starredFirstToggled = useStore((s) => s.starredFirstToggled);
  const orderChanged = useStore((s) => s.orderChanged);
  const thumbnailSizeChanged = useStore((s) => s.thumbnailSizeChanged);
  const single = GROUPS.some((group) => group.value === categoryFilter) ? '' : categoryFilter;

  return (
    <div className="gallery-filters">
      <RadioGroup label="Category" options={GROUPS} value={categoryFilter} onChange={categoryFilterChanged} />
      <select
        className="field"
        aria-label="Single category"
        value={single}
        onChange={(event) => categoryFilterChanged((event.target.value || 'all') as CategoryFilter)}
      >
        <option value="">Any category</option>
        {ImageCategoryValues.map((category) => (
          <option key={category} value={category}>
            {CATEGORY_LABELS[category] ?? category}
          </option>
        ))}
      </select>
      <span className="filters-divider" aria-hidden="true" />
      <button type="button" className="toggle" aria-pressed={starredOnly} onClick={starredOnlyToggled}>
        <Icon name="star" size={15} filled={starredOnly} />
        Starred only
      </button>
      <button type="button" className="toggle" aria-pressed={starredFirst} onClick={starredFirstToggled}>
        Starred first
      </button>
      <select className="field" aria-label="Order" value={order} onChange={(event) => orderChanged(GalleryOrder.parse(event.target.value))}>
        <option value="newest">Newest first</option>
        <option value="oldest">Oldest first</option>
      </select>
      <div className="size-slider">
        <Icon name="images" size={15} />
        <input
          type="range"
          min={THUMBNAIL_SIZES.min}
          max={THUMBNAIL_SIZES.max}
          step={4}
          value={size}
          aria-label="Thumbnail size"
          onChange={(event) => thumbnailSizeChanged(Number(event.target.value))}
        />
      </div>
    </div>
  );
}

export function GalleryToolbar() {
  return (
    <header className="gallery-toolbar">
      <div className="gallery-toolbar-row">
        <GalleryTitle />
        <SearchBox />
        <UploadButton />
      </div>
      <SearchChips />
      <Filters />
    </header>
  );
}
