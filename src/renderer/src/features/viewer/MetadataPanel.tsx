import { itemName, type GalleryItem, type ImageDetails } from '../../../../shared/ipc';
import { useStore } from '../../app/store';
import { formatClock, formatDate } from '../../ui/format';
import { Icon } from '../../ui/Icon';

function Field({ label, value }: { label: string; value: string | number | null | undefined }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{value === null || value === undefined || value === '' ? '—' : value}</dd>
    </>
  );
}

function Prompt({ label, text }: { label: string; text: string | null }) {
  return (
    <section className="meta-prompt" aria-label={label}>
      <h3>{label}</h3>
      <p className={text ? '' : 'meta-missing'}>{text || 'None'}</p>
    </section>
  );
}

/** What made the image or video, read from the cache by images.details. */
export function MetadataPanel({ image, details }: { image: GalleryItem; details: ImageDetails | null }) {
  const copyViewerPrompt = useStore((s) => s.copyViewerPrompt);
  const viewerJobOpened = useStore((s) => s.viewerJobOpened);
  const boardName = details ? (details.board_name ?? 'Uncategorized') : null;
  const model = details?.model_name ? `${details.model_name}${details.model_base ? ` (${details.model_base})` : ''}` : null;

  return (
    <aside className="viewer-meta" aria-label="Image details">
      {!details ? (
        <p className="meta-missing">Reading the details…</p>
      ) : (
        <>
          {!details.metadata_loaded && (
            <p className="meta-note">
              <Icon name="info" size={15} />
              The prompt and settings have not synced from the server yet.
            </p>
          )}
          <Prompt label="Prompt" text={details.positive_prompt} />
          {details.negative_prompt && <Prompt label="Negative prompt" text={details.negative_prompt} />}
          <div className="meta-actions">
            <button type="button" className="button" disabled={!details.positive_prompt} onClick={() => void copyViewerPrompt()}>
              <Icon name="copy" size={15} />
              Copy prompt
            </button>
            <button type="button" className="button" disabled={!details.job_id} onClick={viewerJobOpened}>
              <Icon name="job" size={15} />
              Open the job that made it
            </button>
          </div>
          <dl className="meta-fields">
            {image.kind === 'video' && (
              <>
                <Field label="Duration" value={formatClock(image.duration)} />
                <Field label="Frame rate" value={image.fps === null ? null : `${Number(image.fps.toFixed(2))} fps`} />
              </>
            )}
            <Field label="Seed" value={details.seed} />
            <Field label="Model" value={model} />
            <Field label="Steps" value={details.steps} />
            <Field label="CFG scale" value={details.cfg_scale} />
            <Field label="Scheduler" value={details.scheduler} />
            <Field label="Size" value={image.width && image.height ? `${image.width} × ${image.height}` : null} />
            <Field label="Category" value={image.kind === 'video' ? image.video_category : image.image_category} />
            <Field label="Board" value={boardName} />
            <Field label="Created" value={formatDate(image.created_at, true)} />
            <Field label="Updated" value={formatDate(image.updated_at, true)} />
            <Field label="Name" value={itemName(image)} />
          </dl>
        </>
      )}
    </aside>
  );
}
