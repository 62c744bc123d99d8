import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { itemName } from '../../../../shared/ipc';
import { useStore } from '../../app/store';
import { formatCount } from '../../ui/format';
import { Icon } from '../../ui/Icon';
import { imagesLock } from '../boards/access';
import { shortcutIn } from '../shortcuts/shortcuts';
import { MetadataPanel } from './MetadataPanel';
import { selectViewerCount, selectViewerImage } from './viewerSlice';
import { VideoPlayer } from './VideoPlayer';
import { ZoomedImage } from './ZoomedImage';
import './viewer.css';

export function ViewerHost() {
  const open = useStore((s) => s.viewer !== null);
  return open ? <Viewer /> : null;
}

/** The full image (or the playing video) over the whole window, with previous/next, zoom, star and its details. */
function Viewer() {
  const image = useStore(selectViewerImage);
  const index = useStore((s) => s.viewer?.index ?? 0);
  const count = useStore(selectViewerCount);
  const media = useStore((s) => s.media);
  const details = useStore((s) => s.viewerDetails);
  const viewerStepped = useStore((s) => s.viewerStepped);
  const viewerClosed = useStore((s) => s.viewerClosed);
  const viewerStarToggled = useStore((s) => s.viewerStarToggled);
  const [infoOpen, setInfoOpen] = useState(true);
  const ref = useRef<HTMLDialogElement>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  const returnFocus = useRef<Element | null>(document.activeElement);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    // The dialog would focus its first button (Star); the image is what the user came for.
    bodyRef.current?.focus();
    const previous = returnFocus.current;
    return () => {
      dialog?.close();
      if (previous instanceof HTMLElement) previous.focus();
    };
  }, []);

  const viewerMenuRequested = useStore((s) => s.viewerMenuRequested);
  const openMenuAtImage = () => {
    const box = bodyRef.current?.querySelector('.viewer-canvas')?.getBoundingClientRect();
    if (box) viewerMenuRequested({ x: box.left + box.width / 2, y: box.top + box.height / 2 });
  };

  // Zoom keys are ZoomedImage's; Escape is the dialog's own cancel.
  const onKeyDown = (event: KeyboardEvent) => {
    const shortcut = shortcutIn('viewer', event);
    if (shortcut === 'previous') viewerStepped(-1);
    else if (shortcut === 'next') viewerStepped(1);
    else if (shortcut === 'star') viewerStarToggled();
    else if (shortcut === 'details') setInfoOpen((open) => !open);
    else if (shortcut === 'menu') openMenuAtImage();
    else return;
    event.preventDefault();
  };

  const starred = image?.starred ?? false;
  // On another user's read-only board: the button stays reachable and says why it does nothing
  // (its click and `.` show the reason as a notice; see viewerStarToggled).
  const boards = useStore((s) => s.boards);
  const lock = imagesLock(boards, image?.board_id);
  const lockId = useId();

  return (
    <dialog
      ref={ref}
      className="viewer"
      aria-label="Image viewer"
      onCancel={(event) => {
        event.preventDefault();
        viewerClosed();
      }}
      onKeyDown={onKeyDown}
    >
      <header className="viewer-bar">
        <div className="viewer-title">
          <span className="viewer-name">{image ? itemName(image) : 'Loading…'}</span>
          <span className="viewer-position">
            {formatCount(index + 1)} of {formatCount(count)}
          </span>
        </div>
        <div className="viewer-actions">
          {lock && (
            // Said where the star is too, before anyone presses it (its notice comes after).
            <span className="viewer-lock" title={lock.reason}>
              <Icon name="lock" size={14} />
              <span aria-hidden="true">{lock.hint}</span>
              <span id={lockId} className="visually-hidden">
                {lock.reason}
              </span>
            </span>
          )}
          <button
            type="button"
            className={`icon-button viewer-star${starred ? ' is-starred' : ''}`}
            aria-label={starred ? 'Unstar' : 'Star'}
            aria-pressed={starred}
            title={lock ? lock.reason : 'Star (.)'}
            aria-describedby={lock ? lockId : undefined}
            aria-disabled={lock ? true : undefined}
            disabled={!image}
            onClick={viewerStarToggled}
          >
            <Icon name="star" filled={starred} />
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label="Image details"
            aria-pressed={infoOpen}
            title="Details (i)"
            onClick={() => setInfoOpen((open) => !open)}
          >
            <Icon name="info" />
          </button>
          <button type="button" className="icon-button" aria-label="Close viewer" title="Close (Esc)" onClick={viewerClosed}>
            <Icon name="close" />
          </button>
        </div>
      </header>
      <div ref={bodyRef} className="viewer-body" tabIndex={-1}>
        <div
          className="viewer-canvas"
          onContextMenu={(event) => {
            event.preventDefault();
            viewerMenuRequested({ x: event.clientX, y: event.clientY });
          }}
        >
          {image && media ? (
            image.kind === 'video' ? (
              <VideoPlayer key={image.video_name} video={image} media={media} />
            ) : (
              <ZoomedImage key={image.image_name} image={image} media={media} />
            )
          ) : (
            <div className="viewer-loading" />
          )}
          <button
            type="button"
            className="viewer-nav viewer-prev"
            aria-label="Previous image"
            title="Previous (←)"
            disabled={index === 0}
            onClick={() => viewerStepped(-1)}
          >
            <Icon name="chevronLeft" size={26} />
          </button>
          <button
            type="button"
            className="viewer-nav viewer-next"
            aria-label="Next image"
            title="Next (→)"
            disabled={index >= count - 1}
            onClick={() => viewerStepped(1)}
          >
            <Icon name="chevronRight" size={26} />
          </button>
        </div>
        {infoOpen && image && <MetadataPanel image={image} details={details} />}
      </div>
    </dialog>
  );
}
