import { useCallback, useEffect, useRef, useState, type CSSProperties, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { IvkImage } from '../../../../shared/models';
import type { MediaBase } from '../../app/appSlice';
import { imageUrl, thumbnailUrl } from '../../app/media';
import { useStore } from '../../app/store';
import { Icon } from '../../ui/Icon';
import { RadioGroup } from '../../ui/RadioGroup';
import { selectImageAt } from '../gallery/gallerySlice';
import { shortcutIn } from '../shortcuts/shortcuts';
import type { Size } from '../viewer/useZoom';
import { CompareStage } from './ComparePane';
import type { CompareMode, ComparedImage } from './compareSlice';
import { ParameterTable } from './ParameterTable';
import { FITTED, pannedBy, viewIn, zoomedAt, type SharedZoom } from '../../../../shared/compare';
import './compare.css';

const STEP = 1.25;
const DEFAULT_SIZE: Size = { width: 1024, height: 1024 };
const MODES = [
  { value: 'side', label: 'Side by side' },
  { value: 'swipe', label: 'Swipe' },
] as const satisfies readonly { value: CompareMode; label: string }[];

export function CompareHost() {
  const open = useStore((s) => s.compare !== null);
  return open ? <CompareView /> : null;
}

/** The compared image's record: its details from the cache, else the gallery page holding it. */
function useComparedImages(images: readonly ComparedImage[]): (IvkImage | undefined)[] {
  return useStore(
    useShallow((s) =>
      images.map((image) => {
        const item = s.compareDetails[image.name]?.image ?? (image.index === null ? undefined : selectImageAt(s, image.index));
        // Videos never enter compare (compareSlice refuses them); a stale page could still hold one.
        return item?.kind === 'image' ? item : undefined;
      }),
    ),
  );
}

function ImageLayer({
  name,
  image,
  media,
  pane,
  zoom,
  onNatural,
}: {
  name: string;
  image: IvkImage | undefined;
  media: MediaBase;
  pane: Size;
  zoom: SharedZoom;
  onNatural: (name: string, size: Size) => void;
}) {
  const [loaded, setLoaded] = useState(false);
  const size = image?.width && image.height ? { width: image.width, height: image.height } : DEFAULT_SIZE;
  const view = viewIn(pane, size, zoom);
  const style: CSSProperties = {
    width: size.width,
    height: size.height,
    transform: `translate(${view.x}px, ${view.y}px) scale(${view.scale})`,
  };
  return (
    <>
      {!loaded && <img className="compare-thumb" src={thumbnailUrl(media, name)} alt="" style={style} draggable={false} />}
      <img
        className={`compare-full${loaded ? ' is-loaded' : ''}`}
        src={imageUrl(media, name)}
        alt={name}
        style={style}
        draggable={false}
        decoding="async"
        onLoad={(event) => {
          setLoaded(true);
          onNatural(name, { width: event.currentTarget.naturalWidth, height: event.currentTarget.naturalHeight });
        }}
      />
    </>
  );
}

/**
 * Two to four images side by side (or two under a swipe divider) with one zoom and pan, and the
 * table of their parameters beside them.
 */
function CompareView() {
  const compare = useStore((s) => s.compare);
  const media = useStore((s) => s.media);
  const details = useStore((s) => s.compareDetails);
  const compareClosed = useStore((s) => s.compareClosed);
  const compareSwapped = useStore((s) => s.compareSwapped);
  const compareModeChanged = useStore((s) => s.compareModeChanged);
  const compareTableToggled = useStore((s) => s.compareTableToggled);
  const compareActiveChanged = useStore((s) => s.compareActiveChanged);
  const compareStepped = useStore((s) => s.compareStepped);
  const compared = compare?.images ?? [];
  const records = useComparedImages(compared);
  const [natural, setNatural] = useState<Record<string, Size>>({});
  const [zoom, setZoom] = useState<SharedZoom>(FITTED);
  const [pane, setPane] = useState<Size>({ width: 0, height: 0 });
  const [swipe, setSwipe] = useState(50);
  const ref = useRef<HTMLDialogElement>(null);
  const returnFocus = useRef<Element | null>(document.activeElement);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    dialog?.querySelector<HTMLElement>('.compare-body')?.focus();
    const previous = returnFocus.current;
    return () => {
      dialog?.close();
      if (previous instanceof HTMLElement) previous.focus();
    };
  }, []);

  const onResized = useCallback((size: Size) => setPane(size), []);
  const onNatural = useCallback((name: string, size: Size) => setNatural((known) => ({ ...known, [name]: size })), []);
  const onWheelZoom = useCallback(
    (factor: number, at: { x: number; y: number }) => setZoom((current) => zoomedAt(current, factor, at, pane)),
    [pane],
  );
  const onPan = useCallback((dx: number, dy: number) => setZoom((current) => pannedBy(current, dx, dy)), []);
  const zoomCentred = (factor: number) => setZoom((current) => zoomedAt(current, factor, { x: pane.width / 2, y: pane.height / 2 }, pane));

  if (!compare || !media) return null;
  const { active, mode, tableOpen } = compare;
  const sized = (at: number): IvkImage | undefined => {
    const record = records[at];
    const name = compared[at]?.name;
    const size = name ? natural[name] : undefined;
    return record && size ? { ...record, ...size } : record;
  };

  const onKeyDown = (event: KeyboardEvent) => {
    // The slider and the mode switch use the arrows themselves; letters still work there.
    const target = event.target as HTMLElement;
    if (target.closest('input:not([type=range])') || (target.closest('input, [role=radio]') && event.key.startsWith('Arrow'))) return;
    switch (shortcutIn('compare', event)) {
      case 'previous':
        void compareStepped(-1);
        break;
      case 'next':
        void compareStepped(1);
        break;
      case 'activeUp':
        compareActiveChanged(active - 1);
        break;
      case 'activeDown':
        compareActiveChanged(active + 1);
        break;
      case 'swap':
        compareSwapped();
        break;
      case 'mode':
        compareModeChanged(mode === 'side' ? 'swipe' : 'side');
        break;
      case 'table':
        compareTableToggled();
        break;
      case 'zoomIn':
        zoomCentred(STEP);
        break;
      case 'zoomOut':
        zoomCentred(1 / STEP);
        break;
      case 'fit':
        setZoom(FITTED);
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  const label = (at: number) => `Image ${at + 1}: ${compared[at]?.name ?? ''}`;
  const shownRecords = records.filter((record): record is IvkImage => record !== undefined);
  const missing = compared.filter((image) => details[image.name] && !details[image.name]?.metadata_loaded).map((image) => image.name);
  const [first, second] = compared;

  return (
    <dialog
      ref={ref}
      className="viewer compare"
      aria-label="Compare images"
      onCancel={(event) => {
        event.preventDefault();
        compareClosed();
      }}
      onKeyDown={onKeyDown}
    >
      <header className="viewer-bar">
        <div className="viewer-title">
          <span className="viewer-name">Compare {compared.length} images</span>
          <span className="viewer-position">← → steps the active image through the gallery</span>
        </div>
        <div className="viewer-actions">
          <RadioGroup label="Compare mode" options={MODES} value={mode} onChange={compareModeChanged} />
          <button type="button" className="button button-ghost" title="Swap (S)" onClick={compareSwapped}>
            <Icon name="refresh" size={16} />
            Swap
          </button>
          <button type="button" className="icon-button" aria-label="Fit to the window" title="Fit (0)" onClick={() => setZoom(FITTED)}>
            <Icon name="fit" />
          </button>
          <span className="compare-zoom" aria-live="polite">
            {zoom.k === 1 ? 'Fit' : `${Math.round(zoom.k * 100)}% of fit`}
          </span>
          <button
            type="button"
            className="icon-button"
            aria-label="Parameter table"
            aria-pressed={tableOpen}
            title="Parameters (P)"
            onClick={compareTableToggled}
          >
            <Icon name="info" />
          </button>
          <button type="button" className="icon-button" aria-label="Close comparison" title="Close (Esc)" onClick={compareClosed}>
            <Icon name="close" />
          </button>
        </div>
      </header>
      <div className="compare-body" tabIndex={-1}>
        {mode === 'swipe' && first && second ? (
          <div className="compare-panes compare-panes-1">
            <CompareStage
              label={`Swipe between ${first.name} and ${second.name}`}
              onResized={onResized}
              onWheelZoom={onWheelZoom}
              onPan={onPan}
            >
              <ImageLayer name={first.name} image={sized(0)} media={media} pane={pane} zoom={zoom} onNatural={onNatural} />
              <div className="compare-swipe-top" style={{ clipPath: `inset(0 0 0 ${swipe}%)` }}>
                <ImageLayer name={second.name} image={sized(1)} media={media} pane={pane} zoom={zoom} onNatural={onNatural} />
              </div>
              <div className="compare-divider" style={{ left: `${swipe}%` }} aria-hidden="true" />
              <span className="compare-caption compare-caption-left">1 · {first.name}</span>
              <span className="compare-caption compare-caption-right">2 · {second.name}</span>
            </CompareStage>
            <input
              type="range"
              className="compare-swipe"
              min={0}
              max={100}
              step={1}
              value={swipe}
              aria-label="Swipe position"
              aria-valuetext={`${swipe}% of image 1 shown`}
              onChange={(event) => setSwipe(Number(event.target.value))}
            />
          </div>
        ) : (
          <div className={`compare-panes compare-panes-${compared.length}`}>
            {compared.map((image, at) => (
              <CompareStage
                key={`${at}:${image.name}`}
                label={label(at)}
                active={at === active}
                onResized={at === 0 ? onResized : noop}
                onWheelZoom={onWheelZoom}
                onPan={onPan}
                onActivate={() => compareActiveChanged(at)}
              >
                <ImageLayer name={image.name} image={sized(at)} media={media} pane={pane} zoom={zoom} onNatural={onNatural} />
                <span className="compare-caption">
                  {at + 1} · {image.name}
                </span>
              </CompareStage>
            ))}
          </div>
        )}
        {tableOpen && shownRecords.length === compared.length && <ParameterTable images={shownRecords} missing={missing} />}
      </div>
    </dialog>
  );
}

function noop() {}
