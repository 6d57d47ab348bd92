/** inversify service identifiers for what the composition roots provide. */
export const TYPES = {
  Db: Symbol.for('Db'),
  PlatformConfig: Symbol.for('PlatformConfig'),
} as const;
