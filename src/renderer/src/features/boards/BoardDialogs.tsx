import { useState, type FormEvent } from 'react';
import { useStore } from '../../app/store';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { Dialog } from '../../ui/Dialog';
import { plural } from '../../ui/format';

interface NameDialogProps {
  label: string;
  initialName: string;
  submitLabel: string;
  onSubmit: (name: string) => Promise<boolean>;
}

function BoardNameDialog({ label, initialName, submitLabel, onSubmit }: NameDialogProps) {
  const dialogClosed = useStore((s) => s.dialogClosed);
  const [name, setName] = useState(initialName);
  const [busy, setBusy] = useState(false);
  const valid = name.trim().length > 0 && name.trim() !== initialName;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!valid || busy) return;
    setBusy(true);
    const ok = await onSubmit(name.trim());
    setBusy(false);
    if (ok) dialogClosed();
  };

  return (
    <Dialog
      label={label}
      onClose={dialogClosed}
      className="dialog-confirm"
      footer={
        <>
          <button type="button" className="button" onClick={dialogClosed}>
            Cancel
          </button>
          <button type="submit" form="board-name-form" className="button button-primary" disabled={!valid || busy}>
            {submitLabel}
          </button>
        </>
      }
    >
      <form id="board-name-form" className="form-row" onSubmit={(event) => void submit(event)}>
        <label htmlFor="board-name">Board name</label>
        <input
          id="board-name"
          className="field"
          value={name}
          maxLength={300}
          data-autofocus
          autoComplete="off"
          onChange={(event) => setName(event.target.value)}
        />
      </form>
    </Dialog>
  );
}

export function CreateBoardDialog() {
  const createBoard = useStore((s) => s.createBoard);
  return <BoardNameDialog label="Create board" initialName="" submitLabel="Create" onSubmit={createBoard} />;
}

export function RenameBoardDialog({ boardId }: { boardId: string }) {
  const board = useStore((s) => s.boards.find((b) => b.board_id === boardId));
  const renameBoard = useStore((s) => s.renameBoard);
  if (!board) return null;
  return (
    <BoardNameDialog
      label={`Rename board ${board.board_name}`}
      initialName={board.board_name}
      submitLabel="Rename"
      onSubmit={(name) => renameBoard(boardId, name)}
    />
  );
}

/** Says how many images the board holds, and lets the user keep them (they go to Uncategorized). */
export function DeleteBoardDialog({ boardId }: { boardId: string }) {
  const board = useStore((s) => s.boards.find((b) => b.board_id === boardId));
  const deleteBoard = useStore((s) => s.deleteBoard);
  const dialogClosed = useStore((s) => s.dialogClosed);
  if (!board) return null;
  const count = board.image_count + board.asset_count;
  const choose = (includeImages: boolean) => {
    dialogClosed();
    void deleteBoard(boardId, includeImages);
  };
  return (
    <ConfirmDialog
      label={`Delete board ${board.board_name}`}
      onCancel={dialogClosed}
      choices={
        count === 0
          ? [{ label: 'Delete board', tone: 'danger', onChoose: () => choose(false) }]
          : [
              { label: 'Delete board only', tone: 'quiet', onChoose: () => choose(false) },
              { label: `Delete board and ${plural(count, 'image')}`, tone: 'danger', onChoose: () => choose(true) },
            ]
      }
    >
      {count === 0 ? (
        <p>
          <strong>{board.board_name}</strong> is empty.
        </p>
      ) : (
        <p>
          <strong>{board.board_name}</strong> holds <strong>{plural(count, 'image')}</strong>. Delete the board only and its images move to
          Uncategorized, or delete the board and its images from the server. Deleted images cannot be brought back.
        </p>
      )}
    </ConfirmDialog>
  );
}
