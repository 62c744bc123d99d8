/** The drag payload type of gallery images; the sidebar's boards accept it as a move. */
export const IMAGE_DRAG_TYPE = 'application/x-ivk-images';

export function isImageDrag(transfer: DataTransfer): boolean {
  return transfer.types.includes(IMAGE_DRAG_TYPE);
}

export function isFileDrag(transfer: DataTransfer): boolean {
  return transfer.types.includes('Files');
}
