/**
 * The architecture picture in the README (docs/architecture.dot / .svg) is drawn from the synthesized reference
 * topology: this test fails when the committed drawing no longer matches the code (refresh: npx projen docs:architecture).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildReferenceTopology, MAIN_JOB_OPTIONS } from '../examples/reference-topology';
import { architectureDot } from '../scripts/architecture';

const root = path.join(__dirname, '..');

test('docs/architecture.dot matches the synthesized reference topology', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'reference-'));
  try {
    const context = JSON.parse(fs.readFileSync(path.join(root, 'cdk.context.json'), 'utf-8'));
    buildReferenceTopology({ ...MAIN_JOB_OPTIONS, outdir, context }).app.synth();
    const dot = architectureDot(outdir);
    // the drawing shows every account, the private path to AWS IoT Core, and the cross-account links
    expect(dot).toMatch(/cluster_Network[\s\S]*cluster_Iot[\s\S]*cluster_Consumer1/);
    expect(dot).toMatch(/-> aws_iot_core \[label="iot\.data"\]/);
    expect(dot).toMatch(/\[label="PrivateLink"\]/);
    expect(dot).toMatch(/\[label="RAM share"\]/);
    expect(dot).toMatch(/\[label="TGW attachment"\]/);
    expect(fs.readFileSync(path.join(root, 'docs', 'architecture.dot'), 'utf-8')).toBe(dot);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});
