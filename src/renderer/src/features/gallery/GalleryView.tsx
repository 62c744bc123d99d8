import { CompareTray } from '../compare/CompareTray';
import { FacetPanel } from '../search/FacetPanel';
import { GalleryGrid } from './GalleryGrid';
import { GalleryToolbar } from './GalleryToolbar';
import { SelectionBar } from './SelectionBar';
import './gallery.css';

export function GalleryView() {
  return (
    <div className="gallery">
      <GalleryToolbar />
      <div className="gallery-columns">
        <div className="gallery-body">
          <GalleryGrid />
          <SelectionBar />
          <CompareTray />
        </div>
        <FacetPanel />
      </div>
    </div>
  );
}
