import { useEffect, useState, type FormEvent } from 'react';
import type { InvokeInput } from '../../../../shared/ipc';
import { useStore } from '../../app/store';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { Dialog } from '../../ui/Dialog';
import { formatBytes, plural } from '../../ui/format';
import { Icon } from '../../ui/Icon';
import { AccountSection } from './AccountSection';
import './settings.css';

function ConnectionResult() {
  const test = useStore((s) => s.connectionTest);
  if (test.state === 'idle') return null;
  if (test.state === 'testing') return <p className="test-result">Testing {test.url}…</p>;
  return (
    <p className={`test-result ${test.ok ? 'test-ok' : 'test-failed'}`} role="status">
      <Icon name={test.ok ? 'check' : 'alert'} size={15} />
      {test.message}
    </p>
  );
}

function CacheSection() {
  const settings = useStore((s) => s.settings);
  const stats = useStore((s) => s.cacheStats);
  const dialogOpened = useStore((s) => s.dialogOpened);
  return (
    <section className="settings-section" aria-labelledby="settings-cache">
      <h3 id="settings-cache">Cache</h3>
      <div className="form-row">
        <span className="label">Location</span>
        <code className="settings-path">{settings?.cache_dir ?? '…'}</code>
      </div>
      <div className="settings-cache-row">
        <span>
          {stats ? `${plural(stats.images, 'image')}, ${plural(stats.thumbnails, 'thumbnail')}, ${formatBytes(stats.bytes)}` : 'Measuring…'}
        </span>
        <button type="button" className="button" onClick={() => dialogOpened({ kind: 'clearCache' })}>
          <Icon name="trash" size={15} />
          Clear cache…
        </button>
      </div>
    </section>
  );
}

/**
 * Server address (with a test), the account on a multi-user server (or a pasted token where the
 * server's mode is unknown), and the local cache. The sign-in is a form of its own: a form
 * cannot hold another.
 */
export function SettingsDialog() {
  const settings = useStore((s) => s.settings);
  const loadSettings = useStore((s) => s.loadSettings);
  const saveSettings = useStore((s) => s.saveSettings);
  const testConnection = useStore((s) => s.testConnection);
  const dialogClosed = useStore((s) => s.dialogClosed);
  const testing = useStore((s) => s.connectionTest.state === 'testing');
  // With accounts, the sign-in form takes the token's place, and a single-user server needs none:
  // a token is typed only when the server cannot be asked, or removed when one is left over.
  const mode = useStore((s) => s.account?.mode);
  const [serverUrl, setServerUrl] = useState<string | null>(null);
  const [token, setToken] = useState('');
  const [removeToken, setRemoveToken] = useState(false);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    void loadSettings();
  }, [loadSettings]);

  const url = serverUrl ?? settings?.server_url ?? '';
  const urlValid = URL.canParse(url) && /^https?:$/.test(new URL(url).protocol);
  const change: InvokeInput<'settings.update'> = {};
  if (settings && url !== settings.server_url) change.server_url = url;
  if (token) change.token = token;
  else if (removeToken) change.token = null;
  const changed = Object.keys(change).length > 0;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!changed || !urlValid || saving) return;
    setSaving(true);
    const ok = await saveSettings(change);
    setSaving(false);
    if (ok) dialogClosed();
  };

  return (
    <Dialog
      label="Settings"
      onClose={dialogClosed}
      className="settings-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={dialogClosed}>
            Cancel
          </button>
          <button type="submit" form="settings-form" className="button button-primary" disabled={!changed || !urlValid || saving}>
            Save
          </button>
        </>
      }
    >
      <div className="settings-form">
        <form id="settings-form" className="settings-section" aria-labelledby="settings-server" onSubmit={(event) => void submit(event)}>
          <h3 id="settings-server">Server</h3>
          <div className="form-row">
            <label htmlFor="settings-url">InvokeAI server URL</label>
            <div className="form-inline">
              <input
                id="settings-url"
                className="field"
                type="url"
                value={url}
                placeholder="http://127.0.0.1:9090"
                data-autofocus
                spellCheck={false}
                onChange={(event) => setServerUrl(event.target.value)}
              />
              <button type="button" className="button" disabled={!urlValid || testing} onClick={() => void testConnection(url)}>
                Test connection
              </button>
            </div>
            {!urlValid && url !== '' && <span className="hint test-failed">Enter an http:// or https:// address.</span>}
            <ConnectionResult />
          </div>
          {(mode === 'unknown' || (mode === 'single_user' && settings?.has_token)) && (
            <div className="form-row">
              <label htmlFor="settings-token">Access token</label>
              <input
                id="settings-token"
                className="field"
                type="password"
                autoComplete="off"
                value={token}
                placeholder={settings?.has_token && !removeToken ? 'A token is set — type a new one to replace it' : 'No token set'}
                onChange={(event) => setToken(event.target.value)}
              />
              <span className="hint">
                Only for servers with user accounts. The token is stored by the app and never shown again.
                {settings?.has_token && (
                  <>
                    {' '}
                    <button type="button" className="link-button" aria-pressed={removeToken} onClick={() => setRemoveToken((was) => !was)}>
                      {removeToken ? 'Keep the token' : 'Remove the token'}
                    </button>
                  </>
                )}
              </span>
            </div>
          )}
        </form>
        <AccountSection />
        <CacheSection />
      </div>
    </Dialog>
  );
}

export function ClearCacheDialog() {
  const clearCache = useStore((s) => s.clearCache);
  const dialogOpened = useStore((s) => s.dialogOpened);
  const dialogClosed = useStore((s) => s.dialogClosed);
  return (
    <ConfirmDialog
      label="Clear the cache"
      onCancel={() => dialogOpened({ kind: 'settings' })}
      choices={[
        {
          label: 'Clear cache',
          tone: 'danger',
          onChoose: () => {
            dialogClosed();
            void clearCache();
          },
        },
      ]}
    >
      <p>
        Removes the cached image records, prompts and thumbnails from this computer. Nothing on the server is touched; the gallery fills
        again as it syncs, and is not browsable offline until then. Actions waiting to be sent are kept.
      </p>
    </ConfirmDialog>
  );
}
