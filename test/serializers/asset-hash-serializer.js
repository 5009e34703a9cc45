// Replaces content hashes of assets in snapshot values so that snapshots change only when the
// synthesized infrastructure changes, not when a bundled handler is rebuilt.
const HASH = /[0-9a-f]{64}(\.zip)?/g;

module.exports = {
  test: (val) => typeof val === 'string' && /[0-9a-f]{64}/.test(val),
  serialize: (val) => `"${val.replace(HASH, (_m, zip) => `[ASSET HASH]${zip ?? ''}`)}"`,
};
