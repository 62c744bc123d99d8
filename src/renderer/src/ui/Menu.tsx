import { useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import './menu.css';

export interface MenuItem {
  label: string;
  onSelect: () => void;
  danger?: boolean;
  disabled?: boolean;
  /** Drawn before the label; decoration only. */
  icon?: ReactNode;
  /** Why a disabled item cannot be used: its tooltip and accessible description. */
  reason?: string;
  /** A few visible words after a disabled item's label ("Read-only board"), with `reason`. */
  hint?: string;
}

/**
 * The attributes of a disabled item, on any menu's item button: `aria-disabled` rather than
 * `disabled`, so the arrows still reach it and a screen reader reads its reason (a `disabled`
 * button is skipped, reason and all); its click does nothing (see `ENABLED_ITEM`).
 */
export function disabledReason(item: MenuItem): { 'aria-disabled'?: true; title?: string; 'aria-description'?: string } {
  if (!item.disabled) return {};
  return item.reason ? { 'aria-disabled': true, title: item.reason, 'aria-description': item.reason } : { 'aria-disabled': true };
}

/** Items the arrows move among: every item, disabled ones too. */
export const MENU_ITEM = '[role=menuitem]';
/** Where the focus starts when a menu opens: its first item that can be used. */
export const ENABLED_ITEM = "[role=menuitem]:not([aria-disabled='true'])";

/** A disabled item's visible hint, after its label. */
export function DisabledHint({ item }: { item: MenuItem }) {
  // Hidden from the item's name: screen readers get the whole reason as its description instead.
  return item.disabled && item.hint ? (
    <span className="menu-item-hint" aria-hidden="true">
      {item.hint}
    </span>
  ) : null;
}

interface MenuButtonProps {
  /** The button's accessible name; the menu is named after it. */
  label: string;
  items: readonly MenuItem[];
  children: ReactNode;
  className?: string;
  disabled?: boolean;
  /**
   * Why it is disabled. With a reason the button stays reachable (`aria-disabled`, as a disabled
   * menu item), says it as its tooltip and description, and opens nothing.
   */
  reason?: string;
}

/**
 * A button that opens a menu (WAI-ARIA menu button): arrows move, Enter picks, Escape closes and
 * gives the focus back. The menu is portalled to <body> and fixed-positioned, so neither a
 * scrolling sidebar nor a transformed toolbar can clip or displace it.
 */
export function MenuButton({ label, items, children, className, disabled, reason }: MenuButtonProps) {
  const explained = disabled === true && reason !== undefined;
  const [open, setOpen] = useState(false);
  const [position, setPosition] = useState({ top: 0, left: 0 });
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const id = useId();

  useLayoutEffect(() => {
    if (!open || !buttonRef.current || !menuRef.current) return;
    const anchor = buttonRef.current.getBoundingClientRect();
    const menu = menuRef.current.getBoundingClientRect();
    const top = anchor.bottom + menu.height + 8 > window.innerHeight ? Math.max(8, anchor.top - menu.height - 4) : anchor.bottom + 4;
    const left = Math.min(anchor.left, window.innerWidth - menu.width - 8);
    setPosition({ top, left: Math.max(8, left) });
    menuRef.current.querySelector<HTMLElement>(ENABLED_ITEM)?.focus();
  }, [open]);

  useEffect(() => {
    if (!open) return;
    const closeOnOutside = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!menuRef.current?.contains(target) && !buttonRef.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('pointerdown', closeOnOutside);
    return () => document.removeEventListener('pointerdown', closeOnOutside);
  }, [open]);

  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };

  const onMenuKey = (event: KeyboardEvent) => {
    const entries = [...(menuRef.current?.querySelectorAll<HTMLElement>(MENU_ITEM) ?? [])];
    const at = entries.indexOf(document.activeElement as HTMLElement);
    const focusAt = (index: number) => entries[(index + entries.length) % entries.length]?.focus();
    if (event.key === 'ArrowDown') focusAt(at + 1);
    else if (event.key === 'ArrowUp') focusAt(at - 1);
    else if (event.key === 'Home') focusAt(0);
    else if (event.key === 'End') focusAt(entries.length - 1);
    else if (event.key === 'Escape' || event.key === 'Tab') close();
    else return;
    event.preventDefault();
    event.stopPropagation();
  };

  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        className={className ?? 'button'}
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        disabled={disabled && !explained}
        {...(explained && { 'aria-disabled': true, title: reason, 'aria-description': reason })}
        onClick={() => {
          if (!explained) setOpen((was) => !was);
        }}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown' && !open && !explained) {
            event.preventDefault();
            setOpen(true);
          }
        }}
      >
        {children}
      </button>
      {open &&
        createPortal(
          <div
            ref={menuRef}
            id={id}
            role="menu"
            aria-label={label}
            className="menu"
            style={{ top: position.top, left: position.left }}
            // Focusable but never a tab stop, as in WAI-ARIA's menu button: the items hold the focus.
            tabIndex={-1}
            onKeyDown={onMenuKey}
          >
            {items.map((item) => (
              <button
                key={item.label}
                type="button"
                role="menuitem"
                className={item.danger ? 'menu-item menu-item-danger' : 'menu-item'}
                {...disabledReason(item)}
                tabIndex={-1}
                onClick={() => {
                  if (item.disabled) return;
                  close();
                  item.onSelect();
                }}
              >
                {item.icon}
                <span>{item.label}</span>
                <DisabledHint item={item} />
              </button>
            ))}
          </div>,
          document.body,
        )}
    </>
  );
}
