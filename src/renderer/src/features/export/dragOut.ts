/**
 * Dragging images out of the window. In the desktop app a cell's drag becomes the system's drag
 * of the full image files (main's `webContents.startDrag`), which other apps take as files. Such
 * a drag comes back into this window as a plain file drag, so while it lasts the gallery's own
 * drop targets must still read it as "these images" (a drop on a board moves them, as before)
 * and never as files to upload. This flag is how they tell.
 */
let ownFileDragSince: number | null = null;

/** The system keeps the pointer until the drag ends; a move seen after this long means it has. */
const SETTLE_MS = 400;

function endOnPointer(): void {
  if (ownFileDragSince !== null && Date.now() - ownFileDragSince > SETTLE_MS) ownFileDragEnded();
}

function endAfterDrop(): void {
  // The drop handlers of the targets run first and must still see the flag.
  setTimeout(ownFileDragEnded, 0);
}

export function ownFileDragStarted(): void {
  ownFileDragSince = Date.now();
  window.addEventListener('pointermove', endOnPointer, true);
  window.addEventListener('pointerdown', endOnPointer, true);
  window.addEventListener('drop', endAfterDrop, true);
}

export function ownFileDragEnded(): void {
  ownFileDragSince = null;
  window.removeEventListener('pointermove', endOnPointer, true);
  window.removeEventListener('pointerdown', endOnPointer, true);
  window.removeEventListener('drop', endAfterDrop, true);
}

/** Whether the file drag in progress is the gallery's own images going out. */
export function isOwnFileDrag(): boolean {
  return ownFileDragSince !== null;
}
