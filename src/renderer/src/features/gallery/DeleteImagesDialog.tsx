import { useStore } from '../../app/store';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { plural } from '../../ui/format';
import { selectedCount } from './selection';

export function DeleteImagesDialog() {
  const count = useStore((s) => selectedCount(s.selection, s.total));
  const deleteSelection = useStore((s) => s.deleteSelection);
  const dialogClosed = useStore((s) => s.dialogClosed);
  const label = `Delete ${plural(count, 'image')}`;
  return (
    <ConfirmDialog
      label={label}
      onCancel={dialogClosed}
      choices={[
        {
          label: 'Delete',
          tone: 'danger',
          onChoose: () => {
            dialogClosed();
            void deleteSelection();
          },
        },
      ]}
    >
      <p>
        <strong>{plural(count, 'image')}</strong> will be deleted from the InvokeAI server and from this computer. This cannot be undone.
      </p>
    </ConfirmDialog>
  );
}
