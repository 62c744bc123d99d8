import { CreateBoardDialog, DeleteBoardDialog, RenameBoardDialog } from '../features/boards/BoardDialogs';
import { ExportDialog } from '../features/export/ExportDialog';
import { DeleteImagesDialog } from '../features/gallery/DeleteImagesDialog';
import { ClearCacheDialog, SettingsDialog } from '../features/settings/SettingsDialog';
import { ShortcutSheet } from '../features/shortcuts/ShortcutSheet';
import { useStore } from './store';

/** Renders the one open dialog the store asks for. */
export function DialogHost() {
  const dialog = useStore((s) => s.dialog);
  if (!dialog) return null;
  switch (dialog.kind) {
    case 'createBoard':
      return <CreateBoardDialog />;
    case 'renameBoard':
      return <RenameBoardDialog boardId={dialog.boardId} />;
    case 'deleteBoard':
      return <DeleteBoardDialog boardId={dialog.boardId} />;
    case 'deleteImages':
      return <DeleteImagesDialog names={dialog.names} />;
    case 'export':
      return (
        <ExportDialog target={{ ...(dialog.names ? { names: dialog.names } : {}), ...(dialog.board ? { board: dialog.board } : {}) }} />
      );
    case 'settings':
      return <SettingsDialog />;
    case 'clearCache':
      return <ClearCacheDialog />;
    case 'shortcuts':
      return <ShortcutSheet />;
  }
}
