import type { KeyboardEvent } from 'react';
import { useStore } from '../../app/store';

/** Arrows move (Shift extends, Ctrl/Cmd moves the focus alone), Enter opens, and so on. */
export function useGridKeys(columns: number, pageRows: number) {
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

  return (event: KeyboardEvent) => {
    if (total === 0) return;
    const mod = event.ctrlKey || event.metaKey;
    const moveTo = (index: number) => {
      if (mod && !event.shiftKey) focusMoved(index);
      else imageFocused(Math.max(0, Math.min(total - 1, index)), event.shiftKey);
    };
    switch (event.key) {
      case 'ArrowRight':
        moveTo(focusIndex + 1);
        break;
      case 'ArrowLeft':
        moveTo(focusIndex - 1);
        break;
      case 'ArrowDown':
        moveTo(Math.min(total - 1, focusIndex + columns));
        break;
      case 'ArrowUp':
        moveTo(focusIndex - columns < 0 ? focusIndex : focusIndex - columns);
        break;
      case 'PageDown':
        moveTo(Math.min(total - 1, focusIndex + columns * pageRows));
        break;
      case 'PageUp':
        moveTo(Math.max(0, focusIndex - columns * pageRows));
        break;
      case 'Home':
        moveTo(0);
        break;
      case 'End':
        moveTo(total - 1);
        break;
      case 'Enter':
        viewerOpened(focusIndex);
        break;
      case ' ':
        imageClicked(focusIndex, { range: false, toggle: true });
        break;
      case 'Escape':
        selectionCleared();
        break;
      case '.':
        focusedStarToggled();
        break;
      case 'Delete':
      case 'Backspace':
        deleteRequested();
        break;
      case 'a':
      case 'A':
        if (!mod) return;
        allSelected();
        break;
      default:
        return;
    }
    event.preventDefault();
  };
}
