/** App info: the probes a client sends first (the auth status is in auth.ts). */
import { json, type Router } from '../http';
import { VERSION, type StandInState } from '../state';

export function registerAppRoutes(
  router: Router,
  _state: StandInState,
  address: () => { host: string; port: number },
  multiuser = false,
): void {
  router.get('/api/v1/app/version', () => json({ version: VERSION }));

  router.get('/api/v1/app/patchmatch_status', () => json(true));

  router.get('/api/v1/app/runtime_config', () => {
    const { host, port } = address();
    return json({
      set_fields: ['legacy_models_yaml_path', 'port'],
      config: {
        schema_version: '4.0.3',
        legacy_models_yaml_path: null,
        host,
        port,
        allow_origins: [],
        allow_credentials: true,
        allow_methods: ['*'],
        allow_headers: ['*'],
        base_url: null,
        http_compression_level: 9,
        patchmatch: true,
        models_dir: 'models',
        outputs_dir: 'outputs',
        image_subfolder_strategy: 'flat',
        log_level: 'info',
        use_memory_db: true,
        device: 'auto',
        precision: 'auto',
        pil_compress_level: 1,
        max_queue_size: 10000,
        session_queue_mode: 'round_robin',
        clear_queue_on_startup: false,
        max_queue_history: null,
        node_cache_size: 512,
        hashing_algorithm: 'blake3_single',
        allow_unknown_models: true,
        multiuser,
        strict_password_checking: false,
      },
    });
  });
}
