import { thumbnailUrl } from '../../app/media';
import { useStore } from '../../app/store';
import { Icon } from '../../ui/Icon';
import { MAX_COMPARED } from './compareSlice';
import './compare.css';

/** The images picked for comparing (Alt+click, "Compare with…"), until they are compared or cleared. */
export function CompareTray() {
  const tray = useStore((s) => s.compareTray);
  const media = useStore((s) => s.media);
  const compareOpened = useStore((s) => s.compareOpened);
  const compareTrayCleared = useStore((s) => s.compareTrayCleared);
  const comparePicked = useStore((s) => s.comparePicked);
  if (tray.length === 0) return null;
  return (
    <div className="compare-tray" role="toolbar" aria-label="Picked for comparing">
      <ul className="compare-tray-list" aria-label="Picked images">
        {tray.map((image) => (
          <li key={image.name}>
            <button
              type="button"
              className="compare-tray-thumb"
              aria-label={`Take ${image.name} out`}
              title={image.name}
              onClick={() => comparePicked(image)}
            >
              {media && <img src={thumbnailUrl(media, image.name)} alt="" />}
            </button>
          </li>
        ))}
      </ul>
      <span className="compare-tray-hint">{tray.length < 2 ? 'Alt+click another image' : `Up to ${MAX_COMPARED}`}</span>
      <button type="button" className="button button-primary" disabled={tray.length < 2} onClick={() => compareOpened(tray)}>
        <Icon name="images" size={16} />
        Compare {tray.length}
      </button>
      <button type="button" className="icon-button" aria-label="Clear the picked images" title="Clear" onClick={compareTrayCleared}>
        <Icon name="close" />
      </button>
    </div>
  );
}
