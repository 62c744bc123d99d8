/**
 * Every key the app answers to, in one table: the handlers match events against it
 * (`shortcutIn`) and the `?` sheet lists it, so the sheet cannot fall behind the code.
 *
 * A key is written as the browser names it (`KeyboardEvent.key`), after `Ctrl+` (Ctrl, or ⌘ on a
 * Mac), `Shift+` or `Alt+`. A single printable character matches whatever Shift it took to type
 * it (`?`, `+`). `anyModifiers` bindings take their modifiers as a variation the handler reads
 * (Shift+arrow extends a selection). Pointer gestures are listed for the sheet only, and so are
 * the `menus` and `search` rows: those are the standard keys of the shared widgets (ui/Menu.tsx,
 * ui/ContextMenu.tsx, features/search), which must not depend on a feature folder.
 */
export interface Binding {
  keys: readonly string[];
  description: string;
  anyModifiers?: boolean;
}

export interface Gesture {
  gesture: string;
  description: string;
}

const CONTEXT_MENU_KEYS = ['ContextMenu', 'Shift+F10'];
const ZOOM_BINDINGS = {
  zoomIn: { keys: ['+', '='], description: 'Zoom in' },
  zoomOut: { keys: ['-', '_'], description: 'Zoom out' },
  fit: { keys: ['0'], description: 'Fit to the window' },
} satisfies Record<string, Binding>;

export const SHORTCUTS = {
  app: {
    title: 'Anywhere',
    bindings: {
      shortcutSheet: { keys: ['?'], description: 'Show these keyboard shortcuts' },
    },
    gestures: [],
  },
  grid: {
    title: 'Gallery',
    bindings: {
      right: {
        keys: ['ArrowRight'],
        anyModifiers: true,
        description: 'Next image (Shift extends the selection, Ctrl moves the focus only)',
      },
      left: { keys: ['ArrowLeft'], anyModifiers: true, description: 'Previous image' },
      down: { keys: ['ArrowDown'], anyModifiers: true, description: 'Image below' },
      up: { keys: ['ArrowUp'], anyModifiers: true, description: 'Image above' },
      pageDown: { keys: ['PageDown'], anyModifiers: true, description: 'One screen down' },
      pageUp: { keys: ['PageUp'], anyModifiers: true, description: 'One screen up' },
      first: { keys: ['Home'], anyModifiers: true, description: 'First image' },
      last: { keys: ['End'], anyModifiers: true, description: 'Last image' },
      open: { keys: ['Enter'], description: 'Open the focused image' },
      toggle: { keys: [' '], description: 'Add the focused image to the selection or take it out' },
      clear: { keys: ['Escape'], description: 'Clear the selection' },
      star: { keys: ['.'], description: 'Star or unstar' },
      delete: { keys: ['Delete', 'Backspace'], description: 'Delete the selection…' },
      selectAll: { keys: ['Ctrl+A'], description: 'Select every image in the view' },
      menu: { keys: CONTEXT_MENU_KEYS, description: 'Actions for the focused image or the selection' },
      compare: { keys: ['c'], description: 'Compare the selection (2 to 4), or pick the focused image for comparing' },
    },
    gestures: [
      { gesture: 'Click', description: 'Select one image' },
      { gesture: 'Shift+click', description: 'Select a range' },
      { gesture: 'Ctrl+click', description: 'Add to the selection or take out' },
      { gesture: 'Alt+click', description: 'Pick for comparing (up to four)' },
      { gesture: 'Double-click', description: 'Open' },
      { gesture: 'Right-click', description: 'Actions' },
      { gesture: 'Drag onto a board', description: 'Move there' },
    ],
  },
  search: {
    title: 'Search box',
    bindings: {
      suggestion: { keys: ['ArrowDown', 'ArrowUp'], description: 'Choose a suggestion' },
      accept: { keys: ['Enter', 'Tab'], description: 'Take the suggestion' },
      clear: { keys: ['Escape'], description: 'Close the suggestions, then clear the search' },
    },
    gestures: [],
  },
  viewer: {
    title: 'Viewer',
    bindings: {
      previous: { keys: ['ArrowLeft'], description: 'Previous image' },
      next: { keys: ['ArrowRight'], description: 'Next image' },
      star: { keys: ['.'], description: 'Star or unstar' },
      details: { keys: ['i'], description: 'Show or hide the details' },
      ...ZOOM_BINDINGS,
      actualSize: { keys: ['1'], description: 'Actual size (100%)' },
      menu: { keys: CONTEXT_MENU_KEYS, description: 'Actions for the image' },
      close: { keys: ['Escape'], description: 'Close the viewer' },
    },
    gestures: [
      { gesture: 'Wheel', description: 'Zoom at the pointer' },
      { gesture: 'Drag', description: 'Pan' },
      { gesture: 'Double-click', description: 'Switch between Fit and 100%' },
      { gesture: 'Right-click', description: 'Actions' },
    ],
  },
  compare: {
    title: 'Compare',
    bindings: {
      previous: { keys: ['ArrowLeft'], description: 'Put the previous gallery image in the active pane' },
      next: { keys: ['ArrowRight'], description: 'Put the next gallery image in the active pane' },
      activeUp: { keys: ['ArrowUp'], description: 'Make the previous pane active' },
      activeDown: { keys: ['ArrowDown'], description: 'Make the next pane active' },
      swap: { keys: ['s'], description: 'Swap the first two images' },
      mode: { keys: ['m'], description: 'Switch between side by side and the swipe slider' },
      table: { keys: ['p'], description: 'Show or hide the parameter table' },
      ...ZOOM_BINDINGS,
      close: { keys: ['Escape'], description: 'Close the comparison' },
    },
    gestures: [
      { gesture: 'Wheel', description: 'Zoom every image at the pointer' },
      { gesture: 'Drag', description: 'Pan every image (in swipe mode: move the divider)' },
      { gesture: 'Click a pane', description: 'Make it active' },
    ],
  },
  menus: {
    title: 'Menus',
    bindings: {
      next: { keys: ['ArrowDown'], description: 'Next item' },
      previous: { keys: ['ArrowUp'], description: 'Previous item' },
      first: { keys: ['Home'], description: 'First item' },
      last: { keys: ['End'], description: 'Last item' },
      openSubmenu: { keys: ['ArrowRight'], description: 'Open a submenu (type to search its boards)' },
      closeSubmenu: { keys: ['ArrowLeft'], description: 'Back from a submenu' },
      close: { keys: ['Escape', 'Tab'], description: 'Close' },
    },
    gestures: [],
  },
} as const satisfies Record<string, { title: string; bindings: Record<string, Binding>; gestures: readonly Gesture[] }>;

export type ShortcutScope = keyof typeof SHORTCUTS;
export type ShortcutId<S extends ShortcutScope> = keyof (typeof SHORTCUTS)[S]['bindings'] & string;

interface KeyEventLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

function matches(binding: Binding, event: KeyEventLike): boolean {
  return binding.keys.some((combo) => {
    const [, modifiers = '', key = ''] = /^((?:(?:Ctrl|Shift|Alt)\+)*)(.+)$/.exec(combo) ?? [];
    const sameKey = key.length === 1 ? event.key.toLowerCase() === key.toLowerCase() : event.key === key;
    if (!sameKey) return false;
    if (binding.anyModifiers) return true;
    const printable = key.length === 1 && key !== ' ';
    return (
      modifiers.includes('Ctrl') === (event.ctrlKey || event.metaKey) &&
      modifiers.includes('Alt') === event.altKey &&
      (printable || modifiers.includes('Shift') === event.shiftKey)
    );
  });
}

/** Which binding of a scope a key press is, if any. */
export function shortcutIn<S extends ShortcutScope>(scope: S, event: KeyEventLike): ShortcutId<S> | null {
  const bindings: Record<string, Binding> = SHORTCUTS[scope].bindings;
  const found = Object.entries(bindings).find(([, binding]) => matches(binding, event));
  return found ? (found[0] as ShortcutId<S>) : null;
}

const KEY_NAMES: Record<string, string> = {
  ArrowRight: '→',
  ArrowLeft: '←',
  ArrowUp: '↑',
  ArrowDown: '↓',
  ' ': 'Space',
  Escape: 'Esc',
  ContextMenu: 'Menu key',
  PageDown: 'Page Down',
  PageUp: 'Page Up',
};

/** How the sheet writes a key: arrows as arrows, `Ctrl+A`, `Shift+F10`. */
export function keyLabel(combo: string): string {
  const [, modifiers = '', key = ''] = /^((?:(?:Ctrl|Shift|Alt)\+)*)(.+)$/.exec(combo) ?? [];
  return `${modifiers}${KEY_NAMES[key] ?? (key.length === 1 ? key.toUpperCase() : key)}`;
}
