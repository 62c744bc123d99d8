import { useState, type FormEvent } from 'react';
import type { ExportPattern } from '../../../../shared/ipc';
import { useStore } from '../../app/store';
import { Dialog } from '../../ui/Dialog';
import { formatCount, plural } from '../../ui/format';
import { RadioGroup } from '../../ui/RadioGroup';
import { boardName } from '../boards/boardsSlice';
import { exportCount, type ExportTarget } from './exportSlice';

const PATTERNS = [
  { value: 'name', label: 'Image name' },
  { value: 'board_date_name', label: 'Board / date_time_name' },
] as const satisfies readonly { value: ExportPattern; label: string }[];

/**
 * Where and how to export the selection, a context menu's images or a whole board: a folder (the
 * native dialog in the desktop app, typed where there is none), the file names, and the sidecar.
 */
export function ExportDialog({ target }: { target: ExportTarget }) {
  const count = useStore((s) => exportCount(s, target));
  const board = useStore((s) => (target.board ? boardName(s.boards, target.board) : null));
  const choices = useStore((s) => s.exportChoices);
  const desktop = useStore((s) => s.desktop);
  const exportChoicesChanged = useStore((s) => s.exportChoicesChanged);
  const exportFolderPicked = useStore((s) => s.exportFolderPicked);
  const exportStarted = useStore((s) => s.exportStarted);
  const dialogClosed = useStore((s) => s.dialogClosed);
  const [busy, setBusy] = useState(false);
  const valid = choices.outDir.trim().length > 0 && count > 0;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!valid || busy) return;
    setBusy(true);
    const started = await exportStarted(target);
    setBusy(false);
    if (started) dialogClosed();
  };

  return (
    <Dialog
      label={board === null ? `Export ${plural(count, 'image')}` : `Export board “${board}”`}
      onClose={dialogClosed}
      className="dialog-export"
      footer={
        <>
          <button type="button" className="button" onClick={dialogClosed}>
            Cancel
          </button>
          <button type="submit" form="export-form" className="button button-primary" disabled={!valid || busy}>
            Export {formatCount(count)}
          </button>
        </>
      }
    >
      <form id="export-form" className="export-form" onSubmit={(event) => void submit(event)}>
        <div className="form-row">
          <label htmlFor="export-folder">Folder</label>
          <div className="export-folder">
            <input
              id="export-folder"
              className="field"
              value={choices.outDir}
              placeholder="/home/me/Pictures/export"
              spellCheck={false}
              autoComplete="off"
              data-autofocus
              onChange={(event) => exportChoicesChanged({ outDir: event.target.value })}
            />
            {desktop?.available && (
              <button type="button" className="button" onClick={() => void exportFolderPicked()}>
                Choose…
              </button>
            )}
          </div>
        </div>
        <div className="form-row">
          <span>File names</span>
          <RadioGroup
            label="File names"
            options={PATTERNS}
            value={choices.pattern}
            onChange={(pattern) => exportChoicesChanged({ pattern })}
          />
        </div>
        <label className="export-check">
          <input type="checkbox" checked={choices.sidecar} onChange={(event) => exportChoicesChanged({ sidecar: event.target.checked })} />
          Write a JSON file with the metadata beside each image
        </label>
        <p className="export-note">
          The originals are copied exactly as the server keeps them, with their generation data. Files already in the folder are left as
          they are. Offline, what is cached is exported and the rest is listed.
        </p>
      </form>
    </Dialog>
  );
}
