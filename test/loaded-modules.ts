import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Bundles a small program that uses the library's sources (`lib` is `src/`; packages external, as the main job is
 * built), runs it in a fresh node process and returns the aws-cdk-lib modules it loaded (paths under aws-cdk-lib/).
 * Jest's own module registry cannot tell: it does not use node's require cache.
 * @param lines the program's statements, after `import { App, Stack }`, `ec2` and `lib`
 */
export function loadedCdkModules(lines: string[]): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loaded-modules-'));
  const entry = path.join(dir, 'app.ts');
  fs.writeFileSync(entry, [
    'import { App, Stack } from \'aws-cdk-lib\';',
    'import * as ec2 from \'aws-cdk-lib/aws-ec2\';',
    `import * as lib from ${JSON.stringify(path.join(__dirname, '..', 'src'))};`,
    `const outdir = ${JSON.stringify(path.join(dir, 'out'))};`,
    ...lines,
    'console.log(JSON.stringify(Object.keys(require.cache).filter((k) => k.includes(\'node_modules/aws-cdk-lib/\'))));',
  ].join('\n'));
  const out = path.join(__dirname, '..', '.build', 'test-loaded-modules', `${path.basename(dir)}.js`);
  esbuild.buildSync({ entryPoints: [entry], bundle: true, platform: 'node', target: 'node20', packages: 'external', outfile: out, logLevel: 'error' });
  try {
    const stdout = execFileSync(process.execPath, [out], { cwd: path.join(__dirname, '..'), encoding: 'utf-8', maxBuffer: 16 * 1024 * 1024 });
    return (JSON.parse(stdout.trim().split('\n').pop()!) as string[]).map((k) => k.replace(/^.*node_modules\/aws-cdk-lib\//, ''));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(out, { force: true });
  }
}
