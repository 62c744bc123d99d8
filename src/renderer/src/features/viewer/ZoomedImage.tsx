import { useCallback, useEffect, useState } from 'react';
import type { IvkImage } from '../../../../shared/models';
import type { MediaBase } from '../../app/appSlice';
import { imageUrl, thumbnailUrl } from '../../app/media';
import { Icon } from '../../ui/Icon';
import { shortcutIn } from '../shortcuts/shortcuts';
import { ImageStage } from './ImageStage';
import { useZoom, type Size } from './useZoom';

const STEP = 1.25;
/** Until the file says otherwise; InvokeAI's most common output size. */
const DEFAULT_SIZE: Size = { width: 1024, height: 1024 };

interface ZoomedImageProps {
  image: IvkImage;
  media: MediaBase;
}

/** One image with its zoom; keyed by image name, so stepping to the next one starts at Fit. */
export function ZoomedImage({ image, media }: ZoomedImageProps) {
  const [stage, setStage] = useState<Size>({ width: 0, height: 0 });
  const [natural, setNatural] = useState<Size>(image.width && image.height ? { width: image.width, height: image.height } : DEFAULT_SIZE);
  const { view, isFit, zoomBy, fit, actualSize, panBy } = useZoom(stage, natural);
  const onStageResized = useCallback((size: Size) => setStage(size), []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.target instanceof HTMLInputElement) return;
      const shortcut = shortcutIn('viewer', event);
      if (shortcut === 'zoomIn') zoomBy(STEP);
      else if (shortcut === 'zoomOut') zoomBy(1 / STEP);
      else if (shortcut === 'fit') fit();
      else if (shortcut === 'actualSize') actualSize();
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [zoomBy, fit, actualSize]);

  return (
    <>
      <ImageStage
        thumbnail={thumbnailUrl(media, image.image_name)}
        full={imageUrl(media, image.image_name)}
        imageSize={natural}
        view={view}
        alt={image.image_name}
        onStageResized={onStageResized}
        onNaturalSize={setNatural}
        onWheelZoom={zoomBy}
        onPan={panBy}
        onDoubleClick={(at) => (isFit ? zoomBy(1 / view.scale, at) : fit())}
      />
      <div className="zoom-bar" role="toolbar" aria-label="Zoom">
        <button type="button" className="icon-button" aria-label="Zoom out" title="Zoom out (−)" onClick={() => zoomBy(1 / STEP)}>
          <Icon name="zoomOut" />
        </button>
        <span className="zoom-level" aria-live="polite">
          {Math.round(view.scale * 100)}%
        </span>
        <button type="button" className="icon-button" aria-label="Zoom in" title="Zoom in (+)" onClick={() => zoomBy(STEP)}>
          <Icon name="zoomIn" />
        </button>
        <span className="zoom-divider" aria-hidden="true" />
        <button type="button" className="icon-button" aria-label="Fit to window" aria-pressed={isFit} title="Fit (0)" onClick={fit}>
          <Icon name="fit" />
        </button>
        <button type="button" className="icon-button" aria-label="Actual size" title="100% (1)" onClick={actualSize}>
          <Icon name="actual" />
        </button>
      </div>
    </>
  );
}
