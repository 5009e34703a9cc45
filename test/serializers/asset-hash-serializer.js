// Replaces content hashes of assets in snapshot values so that snapshots change only when the
// synthesized infrastructure changes, not when a bundled handler is rebuilt. The lookup function's handler, inlined
// into templates as Code.ZipFile (src/private/lookups.ts), is replaced the same way.
const fs = require('fs');
const path = require('path');

const HASH = /[0-9a-f]{64}(\.zip)?/g;
const LOOKUP_HANDLER = path.join(__dirname, '..', '..', 'assets', 'private', 'lookup-handler', 'index.js');
let lookupHandler;

function isLookupHandler(val) {
  if (lookupHandler === undefined) {
    lookupHandler = fs.existsSync(LOOKUP_HANDLER) ? fs.readFileSync(LOOKUP_HANDLER, 'utf-8').trim() : null;
  }
  return val === lookupHandler;
}

module.exports = {
  test: (val) => typeof val === 'string' && (/[0-9a-f]{64}/.test(val) || isLookupHandler(val)),
  serialize: (val) => (isLookupHandler(val) ? '"[LOOKUP HANDLER SOURCE]"' : `"${val.replace(HASH, (_m, zip) => `[ASSET HASH]${zip ?? ''}`)}"`),
};
