import { BoardsSidebar } from '../features/boards/BoardsSidebar';
import { CompareHost } from '../features/compare/CompareView';
import { GalleryView } from '../features/gallery/GalleryView';
import { ImageMenuHost } from '../features/imageMenu/ImageMenu';
import { JobHistory } from '../features/jobs/JobHistory';
import { Notices } from '../features/notices/Notices';
import { useShortcutSheetKey } from '../features/shortcuts/ShortcutSheet';
import { OfflineBanner } from '../features/status/OfflineBanner';
import { SignInBanner } from '../features/status/SignInBanner';
import { StatusBar } from '../features/status/StatusBar';
import { ExportPanel } from '../features/export/ExportPanel';
import { DropZone } from '../features/uploads/DropZone';
import { UploadsPanel } from '../features/uploads/UploadsPanel';
import { ViewerHost } from '../features/viewer/Viewer';
import { DialogHost } from './DialogHost';
import { useStore } from './store';
import './layout.css';

export function App() {
  const view = useStore((s) => s.view);

  useShortcutSheetKey();

  return (
    <div className="app">
      <BoardsSidebar />
      <main className="app-main" aria-label={view === 'gallery' ? 'Gallery' : 'Job history'}>
        <OfflineBanner />
        <SignInBanner />
        <div className="app-content">{view === 'gallery' ? <GalleryView /> : <JobHistory />}</div>
        <DropZone />
      </main>
      <StatusBar />
      <div className="corner">
        <Notices />
        <UploadsPanel />
        <ExportPanel />
      </div>
      <ViewerHost />
      <CompareHost />
      <ImageMenuHost />
      <DialogHost />
    </div>
  );
}
