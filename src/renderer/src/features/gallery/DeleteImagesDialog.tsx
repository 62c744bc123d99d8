import { useStore } from '../../app/store';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { plural } from '../../ui/format';
import { selectedCount } from './selection';

/** Confirms deleting the selection, or the named images a context menu asked about. */
export function DeleteImagesDialog({ names }: { names?: readonly string[] }) {
  const selected = useStore((s) => selectedCount(s.selection, s.total));
  const deleteSelection = useStore((s) => s.deleteSelection);
  const deleteImages = useStore((s) => s.deleteImages);
  const dialogClosed = useStore((s) => s.dialogClosed);
  const count = names?.length ?? selected;
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
            void (names ? deleteImages(names) : deleteSelection());
          },
        },
      ]}
    >
      <p>
        <strong>{names?.length === 1 ? names[0] : plural(count, 'image')}</strong> will be deleted from the InvokeAI server and from this
        computer. This cannot be undone.
      </p>
    </ConfirmDialog>
  );
}
