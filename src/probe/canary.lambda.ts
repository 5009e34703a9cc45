/**
 * The connectivity canary: runs the probe from inside a VPC and reports the result as the invocation's return value
 * (for integ tests' invokeFunction) and as a CloudWatch metric in embedded metric format (`CdkPrivateIot/Probe`,
 * `ProbeOk` = 1 or 0, dimension `Host`) for the alarm of a scheduled canary.
 *
 * Defaults come from the PROBE_OPTIONS environment variable (JSON of the probe options, set by the construct); an
 * invocation may override host, ports, dnsServers, expectCidrs and timeoutMs.
 */
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
  // Embedded metric format: CloudWatch Logs turns this line into the ProbeOk metric (no SDK call, no extra permission).
  console.log(JSON.stringify({
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [{ Namespace: METRIC_NAMESPACE, Dimensions: [['Host']], Metrics: [{ Name: METRIC_NAME, Unit: 'Count' }] }],
    },
    Host: options.host,
    [METRIC_NAME]: report.ok ? 1 : 0,
    checks: report.checks.map((c) => `${c.step}${c.port ? `:${c.port}` : ''}=${c.skipped ? 'SKIP' : c.ok ? 'PASS' : 'FAIL'}`).join(' '),
  }));
  return report;
}
