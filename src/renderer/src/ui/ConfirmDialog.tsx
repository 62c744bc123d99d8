import type { ReactNode } from 'react';
import { Dialog } from './Dialog';

interface ConfirmChoice {
  label: string;
  onChoose: () => void;
  /** Danger for what cannot be undone; quiet for the safer of two ways forward. */
  tone: 'quiet' | 'danger';
}

const TONE_CLASSES: Record<ConfirmChoice['tone'], string> = {
  quiet: 'button',
  danger: 'button button-danger',
};

interface ConfirmDialogProps {
  label: string;
  children: ReactNode;
  choices: readonly ConfirmChoice[];
  onCancel: () => void;
}

/** A question with one or more ways forward and always a Cancel, which holds the focus first. */
export function ConfirmDialog({ label, children, choices, onCancel }: ConfirmDialogProps) {
  return (
    <Dialog
      label={label}
      onClose={onCancel}
      className="dialog-confirm"
      footer={
        <>
          <button type="button" className="button" onClick={onCancel} data-autofocus>
            Cancel
          </button>
          {choices.map((choice) => (
            <button key={choice.label} type="button" className={TONE_CLASSES[choice.tone]} onClick={choice.onChoose}>
              {choice.label}
            </button>
          ))}
        </>
      }
    >
      {children}
    </Dialog>
  );
}
