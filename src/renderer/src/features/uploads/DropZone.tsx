import { useEffect, useRef, useState } from 'react';
import { useStore } from '../../app/store';
import { Icon } from '../../ui/Icon';
import { boardName } from '../boards/boardsSlice';
import { isFileDrag } from '../gallery/dragTypes';

/**
 * Files dragged over the window: drop anywhere to upload into the current board. Boards in the
 * sidebar take their own drops first (and stop them here). The overlay never takes the pointer,
 * so the boards under it still see the drag.
 */
export function DropZone() {
  const uploadFiles = useStore((s) => s.uploadFiles);
  const target = useStore((s) => (s.currentBoard === 'all' ? 'Uncategorized' : boardName(s.boards, s.currentBoard)));
  const [active, setActive] = useState(false);
  const depth = useRef(0);

  useEffect(() => {
    const onEnter = (event: DragEvent) => {
      if (!event.dataTransfer || !isFileDrag(event.dataTransfer)) return;
      depth.current += 1;
      setActive(true);
    };
    const onLeave = (event: DragEvent) => {
      if (!event.dataTransfer || !isFileDrag(event.dataTransfer)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setActive(false);
    };
    const onOver = (event: DragEvent) => {
      if (!event.dataTransfer || !isFileDrag(event.dataTransfer)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    };
    const onDrop = (event: DragEvent) => {
      depth.current = 0;
      setActive(false);
      if (!event.dataTransfer || !isFileDrag(event.dataTransfer)) return;
      event.preventDefault();
      void uploadFiles([...event.dataTransfer.files]);
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('dragover', onOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('drop', onDrop);
    };
  }, [uploadFiles]);

  if (!active) return null;
  return (
    <div className="drop-zone" aria-hidden="true">
      <div className="drop-card">
        <Icon name="upload" size={34} />
        <p className="drop-title">Drop to upload to {target}</p>
        <p className="drop-hint">or drop onto a board in the sidebar</p>
      </div>
    </div>
  );
}
