import type { IvkImage } from '../../../../shared/models';
import { diffSides, parameterRows, type ParameterRow, type WordRun } from '../../../../shared/compare';

function Runs({ runs }: { runs: readonly WordRun[] }) {
  return (
    <>
      {runs.map((run, at) =>
        run.change === 'added' ? (
          <ins key={at}>{run.text}</ins>
        ) : run.change === 'removed' ? (
          <del key={at}>{run.text}</del>
        ) : (
          <span key={at}>{run.text}</span>
        ),
      )}
    </>
  );
}

/**
 * A prompt cell: against the first image, words this image added are marked; the first image's
 * cell marks the words the second one dropped.
 */
function PromptCell({ row, column }: { row: ParameterRow; column: number }) {
  const value = row.values[column] ?? null;
  if (value === null) return <span className="param-missing">—</span>;
  if (!row.differs) return <>{value}</>;
  const reference = row.values[0] ?? '';
  if (column === 0) return <Runs runs={diffSides(value, row.values[1] ?? '').before} />;
  return <Runs runs={diffSides(reference, value).after} />;
}

/** The compared images' parameters, one row a field, differing rows marked and prompts diffed word by word. */
export function ParameterTable({ images, missing }: { images: readonly IvkImage[]; missing: readonly string[] }) {
  const rows = parameterRows(images);
  const differing = rows.filter((row) => row.differs);
  return (
    <aside className={`compare-params${images.length > 2 ? ' is-wide' : ''}`} aria-label="Parameters">
      <p className="compare-summary" role="status">
        {differing.length === 0
          ? 'Every parameter is the same.'
          : `${differing.length === 1 ? '1 field differs' : `${differing.length} fields differ`}: ${differing.map((row) => row.label).join(', ')}.`}
      </p>
      {missing.length > 0 && (
        <p className="compare-note">The prompt and settings of {missing.join(', ')} have not synced from the server yet.</p>
      )}
      <table className="param-table" aria-label="Parameter differences">
        <thead>
          <tr>
            <th scope="col">Field</th>
            {images.map((image, at) => (
              <th key={image.image_name} scope="col" title={image.image_name}>
                Image {at + 1}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr
              key={row.key}
              className={row.differs ? 'is-different' : undefined}
              aria-describedby={row.differs ? 'compare-differs' : undefined}
            >
              <th scope="row">
                {row.differs && <span className="param-mark" aria-hidden="true" />}
                {row.label}
              </th>
              {images.map((image, column) => (
                <td key={image.image_name}>
                  {row.kind === 'prompt' ? (
                    <PromptCell row={row} column={column} />
                  ) : (
                    (row.values[column] ?? <span className="param-missing">—</span>)
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <span id="compare-differs" hidden>
        Differs between the images
      </span>
    </aside>
  );
}
