import type { ReactNode } from 'react';
import { useStageGestures } from '../viewer/useStageGestures';
import type { Size } from '../viewer/useZoom';

interface StageProps {
  /** Names the stage for screen readers: which image or images it shows. */
  label: string;
  className?: string;
  active?: boolean;
  onResized: (size: Size) => void;
  onWheelZoom: (factor: number, at: { x: number; y: number }) => void;
  onPan: (dx: number, dy: number) => void;
  onActivate?: () => void;
  children: ReactNode;
}

/**
 * A pane of the comparison: it reports its size, turns the wheel into zoom at the pointer and a
 * drag into a pan; what it shows is placed by the shared zoom (syncedZoom.ts).
 */
export function CompareStage({ label, className, active, onResized, onWheelZoom, onPan, onActivate, children }: StageProps) {
  const { ref, dragging, handlers } = useStageGestures({ onResized, onWheelZoom, onPan, onGrab: onActivate });

  return (
    <div
      ref={ref}
      role="group"
      aria-label={label}
      aria-current={active ? 'true' : undefined}
      className={`compare-stage${dragging ? ' is-dragging' : ''}${active ? ' is-active' : ''} ${className ?? ''}`}
      {...handlers}
    >
      {children}
    </div>
  );
}
