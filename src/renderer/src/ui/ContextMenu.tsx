import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { Icon } from './Icon';
import { DisabledHint, ENABLED_ITEM, MENU_ITEM, disabledReason, type MenuItem } from './Menu';
import './menu.css';

/** A choice of many (boards), narrowed by typing. */
export interface Submenu {
  label: string;
  searchLabel: string;
  items: readonly MenuItem[];
  /** Shown when the search matches nothing. */
  empty: string;
}

export interface ContextMenuEntry extends MenuItem {
  submenu?: Submenu;
  /** A rule above this entry, to group related actions. */
  separated?: boolean;
}

interface Point {
  x: number;
  y: number;
}

interface ContextMenuProps {
  /** The menu's accessible name: what it acts on. */
  label: string;
  at: Point;
  entries: readonly ContextMenuEntry[];
  onClose: () => void;
  footer?: ReactNode;
}

const MARGIN = 8;

/**
 * Modal dialogs (the viewer, compare) make the rest of the page inert, so a menu opened over one
 * must live inside it; otherwise it goes to <body>.
 */
function menuHost(): Element {
  return [...document.querySelectorAll('dialog[open]')].at(-1) ?? document.body;
}

/**
 * Moves the focus among a menu's items with the arrows, Home and End (disabled ones too, so their
 * reason can be heard); false for other keys.
 */
function moveFocus(container: HTMLElement | null, key: string): boolean {
  const entries = [...(container?.querySelectorAll<HTMLElement>(`:scope > ${MENU_ITEM}`) ?? [])];
  const at = entries.indexOf(document.activeElement as HTMLElement);
  const focusAt = (index: number) => entries[(index + entries.length) % entries.length]?.focus();
  if (key === 'ArrowDown') focusAt(at + 1);
  else if (key === 'ArrowUp') focusAt(at < 0 ? entries.length - 1 : at - 1);
  else if (key === 'Home') focusAt(0);
  else if (key === 'End') focusAt(entries.length - 1);
  else return false;
  return true;
}

/** Keeps a popup of this size inside the window, preferring the given point (or flipping to its other side). */
function placed(at: Point, size: { width: number; height: number }, flipFrom?: number): Point {
  let left = at.x;
  if (left + size.width + MARGIN > window.innerWidth)
    left = flipFrom !== undefined ? flipFrom - size.width : window.innerWidth - size.width - MARGIN;
  let top = at.y;
  if (top + size.height + MARGIN > window.innerHeight) top = window.innerHeight - size.height - MARGIN;
  return { x: Math.max(MARGIN, left), y: Math.max(MARGIN, top) };
}

function SubmenuPanel({
  submenu,
  anchor,
  onBack,
  onPicked,
}: {
  submenu: Submenu;
  anchor: DOMRect;
  onBack: () => void;
  onPicked: () => void;
}) {
  const [search, setSearch] = useState('');
  const [position, setPosition] = useState<Point>({ x: anchor.right, y: anchor.top - 5 });
  const panelRef = useRef<HTMLDivElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const words = search.trim().toLocaleLowerCase();
  const shown = words ? submenu.items.filter((item) => item.label.toLocaleLowerCase().includes(words)) : submenu.items;

  useLayoutEffect(() => {
    const panel = panelRef.current;
    if (!panel) return;
    setPosition(placed({ x: anchor.right, y: anchor.top - 5 }, panel.getBoundingClientRect(), anchor.left));
    inputRef.current?.focus();
  }, [anchor]);

  const pick = (item: MenuItem) => {
    onPicked();
    item.onSelect();
  };

  const onInputKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') listRef.current?.querySelector<HTMLElement>(MENU_ITEM)?.focus();
    else if (event.key === 'Enter') {
      const first = shown.find((item) => !item.disabled);
      if (first) pick(first);
    } else if (event.key === 'Escape' || (event.key === 'ArrowLeft' && event.currentTarget.selectionStart === 0)) onBack();
    else return;
    event.preventDefault();
    event.stopPropagation();
  };

  const onItemKey = (event: KeyboardEvent) => {
    const first = listRef.current?.querySelector(MENU_ITEM);
    if (event.key === 'ArrowUp' && document.activeElement === first) inputRef.current?.focus();
    else if (event.key === 'Escape' || event.key === 'ArrowLeft') onBack();
    else if (!moveFocus(listRef.current, event.key)) {
      // Typing goes on narrowing the list, as in the search box.
      if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) inputRef.current?.focus();
      return;
    }
    event.preventDefault();
    event.stopPropagation();
  };

  return (
    <div ref={panelRef} className="menu menu-sub" style={{ top: position.y, left: position.x }}>
      <input
        ref={inputRef}
        type="search"
        className="field menu-search"
        aria-label={submenu.searchLabel}
        placeholder={submenu.searchLabel}
        value={search}
        onChange={(event) => setSearch(event.target.value)}
        onKeyDown={onInputKey}
      />
      <div ref={listRef} role="menu" aria-label={submenu.label} className="menu-list">
        {shown.map((item) => (
          <button
            key={item.label}
            type="button"
            role="menuitem"
            className="menu-item"
            {...disabledReason(item)}
            tabIndex={-1}
            onKeyDown={onItemKey}
            onClick={() => !item.disabled && pick(item)}
          >
            {item.icon}
            <span>{item.label}</span>
            <DisabledHint item={item} />
          </button>
        ))}
        {shown.length === 0 && <p className="menu-empty">{submenu.empty}</p>}
      </div>
    </div>
  );
}

/**
 * A menu at a point (right-click, or the Menu key / Shift+F10 at the focused thing), on the same
 * keyboard model as MenuButton: arrows, Home/End, Enter; → opens a submenu, ← or Escape goes
 * back, Escape or Tab closes. The caller gives the focus back on close.
 */
export function ContextMenu({ label, at, entries, onClose, footer }: ContextMenuProps) {
  const menuRef = useRef<HTMLDivElement>(null);
  const [position, setPosition] = useState<Point>(at);
  const [open, setOpen] = useState<{ label: string; anchor: DOMRect } | null>(null);
  const [host] = useState(menuHost);

  useLayoutEffect(() => {
    const menu = menuRef.current;
    if (!menu) return;
    setPosition(placed(at, menu.getBoundingClientRect()));
    menu.querySelector<HTMLElement>(ENABLED_ITEM)?.focus();
  }, [at]);

  useEffect(() => {
    const closeOnOutside = (event: PointerEvent) => {
      const target = event.target as Element;
      if (!target.closest?.('.menu')) onClose();
    };
    document.addEventListener('pointerdown', closeOnOutside, true);
    window.addEventListener('blur', onClose);
    window.addEventListener('resize', onClose);
    return () => {
      document.removeEventListener('pointerdown', closeOnOutside, true);
      window.removeEventListener('blur', onClose);
      window.removeEventListener('resize', onClose);
    };
  }, [onClose]);

  const openSubmenu = (entry: ContextMenuEntry, element: HTMLElement) => {
    if (entry.submenu && !entry.disabled) setOpen({ label: entry.label, anchor: element.getBoundingClientRect() });
  };

  const backFromSubmenu = () => {
    const parent = open?.label;
    setOpen(null);
    [...(menuRef.current?.querySelectorAll<HTMLElement>(MENU_ITEM) ?? [])].find((item) => item.dataset.label === parent)?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>, entry: ContextMenuEntry) => {
    if (entry.submenu && (event.key === 'ArrowRight' || event.key === 'Enter' || event.key === ' '))
      openSubmenu(entry, event.currentTarget);
    else if (event.key === 'Escape' || event.key === 'Tab') onClose();
    else if (moveFocus(menuRef.current, event.key)) setOpen(null);
    else return;
    event.preventDefault();
    event.stopPropagation();
  };

  const submenu = entries.find((entry) => entry.label === open?.label)?.submenu;

  return createPortal(
    <>
      <div
        ref={menuRef}
        role="menu"
        aria-label={label}
        tabIndex={-1}
        className="menu menu-context"
        style={{ top: position.y, left: position.x }}
        onContextMenu={(event) => event.preventDefault()}
      >
        {entries.map((entry) => (
          <button
            key={entry.label}
            type="button"
            role="menuitem"
            data-label={entry.label}
            className={`menu-item${entry.danger ? ' menu-item-danger' : ''}${entry.separated ? ' menu-item-separated' : ''}`}
            {...disabledReason(entry)}
            tabIndex={-1}
            aria-haspopup={entry.submenu ? 'menu' : undefined}
            aria-expanded={entry.submenu ? open?.label === entry.label : undefined}
            onKeyDown={(event) => onKeyDown(event, entry)}
            onPointerEnter={(event) => (entry.submenu ? openSubmenu(entry, event.currentTarget) : setOpen(null))}
            onClick={(event) => {
              if (entry.submenu) openSubmenu(entry, event.currentTarget);
              else if (!entry.disabled) {
                onClose();
                entry.onSelect();
              }
            }}
          >
            {entry.icon}
            <span>{entry.label}</span>
            <DisabledHint item={entry} />
            {entry.submenu && <Icon name="chevronRight" size={14} className="menu-item-more" />}
          </button>
        ))}
        {footer}
      </div>
      {submenu && open && (
        <SubmenuPanel key={open.label} submenu={submenu} anchor={open.anchor} onBack={backFromSubmenu} onPicked={onClose} />
      )}
    </>,
    host,
  );
}
