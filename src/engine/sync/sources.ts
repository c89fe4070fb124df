/** Opens a configured HR source through the source registry, with the workspace's clock, zone and logger. */
import { resolveSecret } from '../../config/load-config.js';
import type { SourceConfig } from '../../config/schema.js';
import { TenureError } from '../../domain/errors.js';
import type { Source } from '../../sources/contract.js';
import { findSource, sourceTypes } from '../../sources/registry.js';
import type { Workspace } from '../workspace.js';

export function findSourceConfig(ws: Workspace, sourceId: string | undefined): SourceConfig {
  const source = sourceId ? ws.config.sources.find((s) => s.id === sourceId) : ws.config.sources[0];
  if (!source) throw new TenureError('source.not_found', `unknown source "${sourceId}"`);
  return source;
}

/** `file` replaces a file source's path for one read (`tenure import --file`). */
export function openSource(
  ws: Workspace,
  config: SourceConfig,
  opts: { file?: string } = {},
): Source {
  const factory = findSource(config.type);
  if (!factory)
    throw new TenureError(
      'source.unknown_type',
      `source "${config.id}": unknown type "${config.type}" (known: ${sourceTypes().join(', ')})`,
    );
  if (opts.file !== undefined && config.type !== 'file')
    throw new TenureError(
      'source.no_file',
      `--file applies to file sources; "${config.id}" reads ${config.type}`,
    );
  const settings = opts.file !== undefined ? { ...config, path: opts.file } : config;
  return factory.create({
    sourceId: config.id,
    config: factory.configGuard.parse(settings),
    secret: (ref) => resolveSecret(ref),
    baseDir: ws.dir,
    log: ws.log.child({ source: config.id }),
    clock: ws.clock,
    timeZone: ws.config.organisation.time_zone,
  });
}
