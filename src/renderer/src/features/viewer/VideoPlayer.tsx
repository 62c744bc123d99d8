import { useState, type KeyboardEvent } from 'react';
import type { GalleryItem } from '../../../../shared/ipc';
import type { MediaBase } from '../../app/appSlice';
import { imageUrl, thumbnailUrl } from '../../app/media';
import { Icon } from '../../ui/Icon';

type Video = Extract<GalleryItem, { kind: 'video' }>;

/** Keys the browser's own video controls answer (seek, volume, play): they stay the player's while it has the focus. */
const PLAYER_KEYS = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', ' ', 'Home', 'End']);

/** Why a video did not play, from the element's MediaError code. */
function failure(code: number | undefined): string {
  if (code === 2) return 'The video could not be loaded: the server did not send it. Check the connection and try again.';
  if (code === 3 || code === 4) return 'This video cannot be played here: its file is damaged or not an H.264 MP4.';
  return 'The video could not be played.';
}

/**
 * A video in the viewer: the browser's own player (keyboard reachable, with its controls), fed the
 * MP4 through the media scheme, which serves byte ranges so seeking works; the server's first-frame
 * thumbnail is its poster until it plays. Keyed by name, so stepping on starts the next one fresh.
 */
export function VideoPlayer({ video, media }: { video: Video; media: MediaBase }) {
  const [error, setError] = useState<string | null>(null);
  const onKeyDown = (event: KeyboardEvent<HTMLVideoElement>) => {
    // Without this the viewer would also step to the previous or next item on the arrow keys.
    if (PLAYER_KEYS.has(event.key)) event.stopPropagation();
  };
  return (
    <div className="viewer-video">
      {/* eslint-disable-next-line jsx-a11y/media-has-caption -- generated and uploaded clips have no caption track to offer */}
      <video
        key={video.video_name}
        className="viewer-video-element"
        src={imageUrl(media, video.video_name)}
        poster={thumbnailUrl(media, video.video_name)}
        controls
        loop
        preload="metadata"
        playsInline
        aria-label={`Video ${video.video_name}`}
        width={video.width ?? undefined}
        height={video.height ?? undefined}
        onKeyDown={onKeyDown}
        onError={(event) => setError(failure(event.currentTarget.error?.code))}
      />
      {error && (
        <p className="viewer-video-error" role="alert">
          <Icon name="alert" size={16} />
          {error}
        </p>
      )}
    </div>
  );
}
