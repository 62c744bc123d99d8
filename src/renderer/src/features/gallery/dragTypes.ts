import { isOwnFileDrag } from '../export/dragOut';

/** The drag payload type of gallery images; the sidebar's boards accept it as a move. */
export const IMAGE_DRAG_TYPE = 'application/x-ivk-images';

/** Gallery images being dragged: the page's own drag, or (desktop app) the system's drag of their files. */
export function isImageDrag(transfer: DataTransfer): boolean {
  return transfer.types.includes(IMAGE_DRAG_TYPE) || (isOwnFileDrag() && transfer.types.includes('Files'));
}

/** Files from elsewhere (to upload); the gallery's own images dragged out and back are not. */
export function isFileDrag(transfer: DataTransfer): boolean {
  return transfer.types.includes('Files') && !isOwnFileDrag();
}
