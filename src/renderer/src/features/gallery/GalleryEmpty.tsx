import { useStore } from '../../app/store';
import { Icon } from '../../ui/Icon';

/** Why nothing shows, and the one step most likely to show something. */
export function GalleryEmpty() {
  const search = useStore((s) => s.query.search);
  const board = useStore((s) => s.query.board);
  const starredOnly = useStore((s) => s.starredOnly);
  const categoryFilter = useStore((s) => s.categoryFilter);
  const searchScopeChanged = useStore((s) => s.searchScopeChanged);
  const starredOnlyToggled = useStore((s) => s.starredOnlyToggled);
  const categoryFilterChanged = useStore((s) => s.categoryFilterChanged);

  if (search) {
    return (
      <div className="empty-state gallery-empty">
        <Icon name="search" size={32} />
        <h2>No image matches “{search}”</h2>
        {board !== 'all' ? (
          <button type="button" className="button" onClick={() => searchScopeChanged('all')}>
            Search all boards
          </button>
        ) : (
          <p>Prompts are searchable once they have synced from the server.</p>
        )}
      </div>
    );
  }
  if (starredOnly || categoryFilter !== 'all') {
    return (
      <div className="empty-state gallery-empty">
        <Icon name={starredOnly ? 'star' : 'filter'} size={32} />
        <h2>{starredOnly ? 'No starred images here' : 'Nothing in this category here'}</h2>
        <button type="button" className="button" onClick={() => (starredOnly ? starredOnlyToggled() : categoryFilterChanged('all'))}>
          {starredOnly ? 'Show every image' : 'Show every category'}
        </button>
      </div>
    );
  }
  return (
    <div className="empty-state gallery-empty">
      <Icon name="image" size={32} />
      <h2>No images yet</h2>
      <p>Drop images anywhere in the window to upload them here, or generate some in InvokeAI.</p>
    </div>
  );
}
