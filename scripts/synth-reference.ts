/**
 * The README's main job: synthesize the reference topology offline (lookups from cdk.context.json, placeholder
 * accounts and cross-account values) and print what was built, per stack and in total.
 *
 * Usage: npx projen synth:reference [outdir]   (default outdir: cdk.out.reference)
 */
import * as path from 'path';
import { synthOffline } from './offline-synth';
import { formatSummary, summarizeAssembly } from './summarize-assembly';
import { buildReferenceTopology, DEVICE_CIDR, GATEKEEPER_CIDR, MAIN_JOB_OPTIONS, ON_PREMISES_CIDR, PLACEHOLDERS } from '../examples/reference-topology';

const { outdir, assembly, elapsedMs: elapsed } = synthOffline(
  (out, context) => buildReferenceTopology({ ...MAIN_JOB_OPTIONS, outdir: out, context }).app, 'cdk.out.reference');
process.stdout.write(formatSummary(summarizeAssembly(outdir)) + '\n\n');
process.stdout.write([
  'Reference topology',
  `  IoT hostnames:    ${PLACEHOLDERS.dataEndpointAddress} (data), ${PLACEHOLDERS.credentialsEndpointAddress} (credentials)`,
  `  Resolve privately: gatekeeper VPC ${GATEKEEPER_CIDR} (IotZones), device VPC ${DEVICE_CIDR} (Route 53 Profile ${PLACEHOLDERS.zoneProfileId}),`,
  `                    on-premises ${ON_PREMISES_CIDR} (forward to the Resolver inbound endpoint), consumer VPCs (own zones)`,
  `  Ports 443/8443/8883 open to: ${GATEKEEPER_CIDR}, ${DEVICE_CIDR}, ${ON_PREMISES_CIDR} (endpoint security group and network ACL)`,
  `  Consumers reach AWS IoT Core through: ${PLACEHOLDERS.serviceName}`,
  '  Static addresses: the front door\'s StaticIpAddresses and ElasticIpAllocationIds outputs (Iot stack), open to 203.0.113.0/24',
  `Synthesized ${assembly.stacks.length} stacks in ${elapsed} ms into ${path.relative(process.cwd(), outdir) || '.'}`,
].join('\n') + '\n');
