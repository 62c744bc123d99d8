import { useSyncExternalStore } from 'react';

/** The topmost open modal dialog (last opened is last in the top layer), or null. */
function topDialog(): HTMLDialogElement | null {
  return [...document.querySelectorAll<HTMLDialogElement>('dialog[open]')].at(-1) ?? null;
}

/** Dialogs open and close by showModal/close (an `open` attribute) or by leaving the page. */
function subscribe(changed: () => void): () => void {
  const observer = new MutationObserver(changed);
  observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['open'] });
  return () => observer.disconnect();
}

/**
 * The modal dialog now in the top layer. A modal makes the rest of the page inert and covers it,
 * so whatever must stay seen and heard above it (notices) is rendered inside this one.
 */
export function useTopDialog(): HTMLDialogElement | null {
  return useSyncExternalStore(subscribe, topDialog);
}
