/**
 * scripts/lazify-index.ts (issue 17, part 3): the compile task rewrites lib/index.js so that each export loads its
 * module on first use. Checked here on a small compiled-like library in a temporary folder; `npx projen test:floor`
 * checks the installed package (nothing loaded by the import, PrivateIotDataEndpoint loads only its area, every jsii
 * class and enum defined).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LAZY_MARKER, lazify, lazyIndex, reExportedModules } from '../scripts/lazify-index';

/** The index tsc/jsii emits for `export * from './alpha'; export * from './beta';`. */
const EAGER_INDEX = `"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __exportStar = (this && this.__exportStar) || function(m, exports) {
    for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports, p)) __createBinding(exports, m, p);
};
Object.defineProperty(exports, "__esModule", { value: true });
__exportStar(require("./alpha"), exports);
__exportStar(require("./beta"), exports);
//# sourceMappingURL=data:application/json;base64,e30=`;

function library(modules: Record<string, string>, index = EAGER_INDEX): string {
  const lib = fs.mkdtempSync(path.join(os.tmpdir(), 'lazify-'));
  for (const [name, source] of Object.entries(modules)) {
    fs.mkdirSync(path.join(lib, name));
    fs.writeFileSync(path.join(lib, name, 'index.js'), source);
  }
  fs.writeFileSync(path.join(lib, 'index.js'), index);
  return lib;
}

const ALPHA = '"use strict"; Object.defineProperty(exports, "__esModule", { value: true }); globalThis.loaded.push("alpha"); '
  + 'class Alpha {} exports.Alpha = Alpha; exports.ALPHA_KIND = { A: "a" };';
const BETA = '"use strict"; Object.defineProperty(exports, "__esModule", { value: true }); globalThis.loaded.push("beta"); '
  + 'class Beta {} exports.Beta = Beta;';

const g = globalThis as unknown as { loaded: string[] };

beforeEach(() => {
  g.loaded = [];
  jest.resetModules();
});

test('reads the re-exported modules of an eager index in order', () => {
  expect(reExportedModules(EAGER_INDEX)).toEqual(['./alpha', './beta']);
  expect(reExportedModules('"use strict";\nexports.x = 1;\n')).toEqual([]);
});

test('the lazy index loads nothing on import and each module on the first read of one of its exports', () => {
  const lib = library({ alpha: ALPHA, beta: BETA });
  const summary = lazify(lib);
  expect(summary).toBe(`${path.join(lib, 'index.js')}: 3 exports of 2 modules, each loaded on first use`);
  // lazify loaded both modules in this process to read their names and check the result: start from a clean registry
  jest.resetModules();
  g.loaded = [];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const index = require(path.join(lib, 'index.js'));
  expect(g.loaded).toEqual([]);
  expect(Object.keys(index).sort()).toEqual(['ALPHA_KIND', 'Alpha', 'Beta']);
  expect(g.loaded).toEqual([]);
  expect(typeof index.Beta).toBe('function');
  expect(g.loaded).toEqual(['beta']);
  expect(index.ALPHA_KIND).toEqual({ A: 'a' });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  expect(index.Alpha).toBe(require(path.join(lib, 'alpha')).Alpha);
  expect(g.loaded).toEqual(['beta', 'alpha']);
  expect(index.__esModule).toBe(true);
});

test('a second run leaves the lazy index as it is', () => {
  const lib = library({ alpha: ALPHA, beta: BETA });
  lazify(lib);
  const once = fs.readFileSync(path.join(lib, 'index.js'), 'utf-8');
  expect(once).toContain(LAZY_MARKER);
  expect(lazify(lib)).toBe(`${path.join(lib, 'index.js')} is already lazy`);
  expect(fs.readFileSync(path.join(lib, 'index.js'), 'utf-8')).toBe(once);
});

test('a name exported by two modules is an error, and the index is left as jsii wrote it', () => {
  const lib = library({ alpha: ALPHA, beta: BETA.replace('exports.Beta = Beta;', 'exports.Beta = Beta; exports.Alpha = Beta;') });
  expect(() => lazify(lib)).toThrow("'Alpha' is exported by both ./alpha and ./beta: rename one of them");
  expect(fs.readFileSync(path.join(lib, 'index.js'), 'utf-8')).toBe(EAGER_INDEX);
  expect(fs.readdirSync(lib).sort()).toEqual(['alpha', 'beta', 'index.js']);
});

test('an index without re-exports is an error', () => {
  const lib = library({ alpha: ALPHA }, '"use strict";\nexports.x = 1;\n');
  expect(() => lazify(lib)).toThrow(/re-exports no module \(expected __exportStar/);
});

test('lazyIndex writes one getter per name, each loading its own module', () => {
  const source = lazyIndex([{ specifier: './a', names: ['A1', 'A2'] }, { specifier: './b', names: ['B'] }]);
  expect(source).toContain('lazy(function () { return require("./a"); }, ["A1","A2"]);');
  expect(source).toContain('lazy(function () { return require("./b"); }, ["B"]);');
  expect(source).not.toMatch(/^__exportStar/m);
});
