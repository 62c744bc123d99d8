import { useEffect, useState } from 'react';
import type { ModelUsage } from '../../../../shared/ipc';
import { formatTerm, toggleTerm, type FieldName } from '../../../../shared/query';
import { invoke } from '../../app/bridge';
import { useStore } from '../../app/store';
import { Dialog } from '../../ui/Dialog';
import { formatCount } from '../../ui/format';

interface Row {
  name: string;
  base?: string | null;
  images: number;
  on_server: boolean;
}

function UsageTable({ caption, field, rows, onPick }: { caption: string; field: FieldName; rows: Row[]; onPick: (term: string) => void }) {
  return (
    <table className="usage-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          {field === 'model' && <th scope="col">Base</th>}
          <th scope="col" className="usage-number">
            Images
          </th>
          <th scope="col">On the server</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.name}>
            <th scope="row">
              <button
                type="button"
                className="usage-name"
                title={`Search ${formatTerm(field, row.name)}`}
                onClick={() => onPick(formatTerm(field, row.name))}
              >
                {row.name}
              </button>
            </th>
            {field === 'model' && <td>{row.base ?? '—'}</td>}
            <td className="usage-number">{formatCount(row.images)}</td>
            <td className={row.on_server ? '' : 'usage-gone'}>{row.on_server ? 'Installed' : 'Not any more'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The Models view: how many images each model and LoRA made across the gallery (the cache, so
 * offline too), each model's base, and whether the server still has it. A name searches for it.
 */
export function ModelsDialog({ onClose }: { onClose: () => void }) {
  const [usage, setUsage] = useState<ModelUsage | null>(null);
  const text = useStore((s) => s.searchText);
  const searchTextChanged = useStore((s) => s.searchTextChanged);
  useEffect(() => {
    let current = true;
    invoke('search.models', {})
      .then((result) => {
        if (current) setUsage(result);
      })
      .catch((error: unknown) => useStore.getState().actionFailed('read the models', error));
    return () => {
      current = false;
    };
  }, []);
  const pick = (term: string) => {
    searchTextChanged(toggleTerm(text, term));
    onClose();
  };
  return (
    <Dialog label="Models and LoRAs" onClose={onClose} className="models-dialog">
      {usage === null ? (
        <p>Counting…</p>
      ) : (
        <>
          <UsageTable caption="Models" field="model" rows={usage.models} onPick={pick} />
          <UsageTable caption="LoRAs" field="lora" rows={usage.loras} onPick={pick} />
        </>
      )}
    </Dialog>
  );
}
