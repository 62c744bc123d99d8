import type { KeyboardEvent } from 'react';
import { useStore } from '../../app/store';
import { shortcutIn } from '../shortcuts/shortcuts';

/** The grid's keys (features/shortcuts lists them): arrows move (Shift extends, Ctrl/Cmd moves the focus alone), Enter opens, and so on. */
export function useGridKeys(columns: number, pageRows: number, onMenuKey: () => void) {
  const focusIndex = useStore((s) => s.focusIndex);
  const total = useStore((s) => s.total) ?? 0;
  const imageFocused = useStore((s) => s.imageFocused);
  const focusMoved = useStore((s) => s.focusMoved);
  const imageClicked = useStore((s) => s.imageClicked);
  const viewerOpened = useStore((s) => s.viewerOpened);
  const selectionCleared = useStore((s) => s.selectionCleared);
  const allSelected = useStore((s) => s.allSelected);
  const focusedStarToggled = useStore((s) => s.focusedStarToggled);
  const deleteRequested = useStore((s) => s.deleteRequested);
  const compareKeyPressed = useStore((s) => s.compareKeyPressed);

  return (event: KeyboardEvent) => {
    if (total === 0) return;
    const mod = event.ctrlKey || event.metaKey;
    const moveTo = (index: number) => {
      if (mod && !event.shiftKey) focusMoved(index);
      else imageFocused(Math.max(0, Math.min(total - 1, index)), event.shiftKey);
    };
    switch (shortcutIn('grid', event)) {
      case 'right':
        moveTo(focusIndex + 1);
        break;
      case 'left':
        moveTo(focusIndex - 1);
        break;
      case 'down':
        moveTo(Math.min(total - 1, focusIndex + columns));
        break;
      case 'up':
        moveTo(focusIndex - columns < 0 ? focusIndex : focusIndex - columns);
        break;
      case 'pageDown':
        moveTo(Math.min(total - 1, focusIndex + columns * pageRows));
        break;
      case 'pageUp':
        moveTo(Math.max(0, focusIndex - columns * pageRows));
        break;
      case 'first':
        moveTo(0);
        break;
      case 'last':
        moveTo(total - 1);
        break;
      case 'open':
        viewerOpened(focusIndex);
        break;
      case 'toggle':
        imageClicked(focusIndex, { range: false, toggle: true });
        break;
      case 'clear':
        selectionCleared();
        break;
      case 'star':
        focusedStarToggled();
        break;
      case 'delete':
        deleteRequested();
        break;
      case 'selectAll':
        allSelected();
        break;
      case 'menu':
        onMenuKey();
        break;
      case 'compare':
        compareKeyPressed();
        break;
      case null:
        return;
    }
    event.preventDefault();
  };
}
