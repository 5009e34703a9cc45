/**
 * The connectivity canary: runs the probe from inside a VPC and reports the result as the invocation's return value
 * (for integ tests' invokeFunction) and as a CloudWatch metric in embedded metric format (`CdkPrivateIot/Probe`,
 * `ProbeOk` = 1 or 0, dimension `Host`) for the alarm of a scheduled canary.
 *
 * Defaults come from the PROBE_OPTIONS environment variable (JSON of the probe options, set by the construct); an
 * invocation may override host, ports, dnsServers, expectCidrs and timeoutMs.
 */
import { diagnosesOf } from './format';
import { ProbeOptions, ProbeReport, runProbe } from './probe';

/** What an invocation may override. */
export interface CanaryEvent {
  readonly host?: string;
  readonly ports?: number[];
  readonly dnsServers?: string[];
  readonly expectCidrs?: string[];
  readonly timeoutMs?: number;
}

export const METRIC_NAMESPACE = 'CdkPrivateIot/Probe';
export const METRIC_NAME = 'ProbeOk';

export async function handler(event: CanaryEvent | undefined): Promise<ProbeReport> {
  const defaults = JSON.parse(process.env.PROBE_OPTIONS ?? '{}') as ProbeOptions;
  const overrides: CanaryEvent = event ?? {};
  const options: ProbeOptions = {
    ...defaults,
    ...(overrides.host !== undefined ? { host: overrides.host } : {}),
    ...(overrides.ports !== undefined ? { ports: overrides.ports } : {}),
    ...(overrides.dnsServers !== undefined ? { dnsServers: overrides.dnsServers } : {}),
    ...(overrides.expectCidrs !== undefined ? { expectCidrs: overrides.expectCidrs } : {}),
    ...(overrides.timeoutMs !== undefined ? { timeoutMs: overrides.timeoutMs } : {}),
  };
  const report = await runProbe(options);
  const checks = report.checks.map((c) => `${c.step}${c.port ? `:${c.port}` : ''}${c.address && report.addresses.length > 1 ? `@${c.address}` : ''}`
    + `=${c.skipped ? 'SKIP' : c.ok ? 'PASS' : 'FAIL'}`).join(' ');
  const diagnoses = diagnosesOf(report);
  // Embedded metric format: CloudWatch Logs turns this line into the ProbeOk metric (no SDK call, no extra permission).
  // `message` is the line a person reads (verdicts and diagnoses); `diagnoses` the same diagnoses as structured data
  // for Logs Insights (`filter ProbeOk = 0 | fields diagnoses.0.diagnosis`).
  console.log(JSON.stringify({
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [{ Namespace: METRIC_NAMESPACE, Dimensions: [['Host']], Metrics: [{ Name: METRIC_NAME, Unit: 'Count' }] }],
    },
    Host: options.host,
    [METRIC_NAME]: report.ok ? 1 : 0,
    message: `probe ${options.host} ${report.ok ? 'OK' : 'FAILED'}: ${checks}${diagnoses.length ? ` | ${diagnoses.join(' | ')}` : ''}`,
    checks,
    addresses: report.addresses,
    diagnoses: report.checks.filter((c) => c.diagnosis).map((c) => ({
      step: c.step,
      ...(c.port === undefined ? {} : { port: c.port }),
      ...(c.address === undefined ? {} : { address: c.address }),
      diagnosis: c.diagnosis,
    })),
    warnings: report.warnings,
  }));
  return report;
}
