import { useEffect } from 'react';
import { useStore } from '../../app/store';
import { Dialog } from '../../ui/Dialog';
import { SHORTCUTS, keyLabel, shortcutIn, type Binding, type Gesture } from './shortcuts';
import './shortcuts.css';

/** The `?` sheet: every key of SHORTCUTS, by where it works, and the pointer gestures. */
export function ShortcutSheet() {
  const dialogClosed = useStore((s) => s.dialogClosed);
  return (
    <Dialog label="Keyboard shortcuts" onClose={dialogClosed} className="shortcut-sheet">
      <p className="shortcut-note">Ctrl means ⌘ on a Mac.</p>
      <div className="shortcut-groups">
        {Object.values(SHORTCUTS).map((scope) => {
          const bindings = Object.values<Binding>(scope.bindings);
          const gestures: readonly Gesture[] = scope.gestures;
          return (
            <section key={scope.title} className="shortcut-group" aria-label={scope.title}>
              <h3>{scope.title}</h3>
              <dl>
                {bindings.map((binding) => (
                  <div key={binding.description} className="shortcut-row">
                    <dt>
                      {binding.keys.map((key, at) => (
                        <span key={key}>
                          {at > 0 && <span className="shortcut-or"> or </span>}
                          <kbd>{keyLabel(key)}</kbd>
                        </span>
                      ))}
                    </dt>
                    <dd>{binding.description}</dd>
                  </div>
                ))}
                {gestures.map((gesture) => (
                  <div key={gesture.gesture} className="shortcut-row">
                    <dt className="shortcut-gesture">{gesture.gesture}</dt>
                    <dd>{gesture.description}</dd>
                  </div>
                ))}
              </dl>
            </section>
          );
        })}
      </div>
    </Dialog>
  );
}

/** `?` anywhere but in a text field opens the sheet. */
export function useShortcutSheetKey() {
  const dialogOpened = useStore((s) => s.dialogOpened);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target?.closest('input, textarea, select, [contenteditable=true]')) return;
      if (shortcutIn('app', event) !== 'shortcutSheet' || useStore.getState().dialog) return;
      event.preventDefault();
      dialogOpened({ kind: 'shortcuts' });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [dialogOpened]);
}
