import { estimateAssemblyDirectory } from './estimate';
import { DEFAULT_PRICES } from './price-data';
import { CostEstimate, CostEstimateOptions, Price } from './types';

export * from './types';

/**
 * The monthly cost of what a synthesized cloud assembly creates, estimated from its templates (no AWS access): the
 * fixed charges per stack and account (interface endpoints per AZ, load balancers, public IPv4 addresses, accelerators,
 * Resolver endpoint ENIs, Transit Gateway attachments, VPN connections, hosted zones, Route 53 Profiles, alarms) and the
 * usage rates of the components it has. The same estimate as `cdk-private-iot cost`.
 *
 * @example
 * const estimate = IotCostEstimate.fromAssemblyDirectory('cdk.out', { gbPerMonth: 500 });
 * const perAccount = estimate.accounts; // each with its account id, stacks and monthlyUsd
 */
export class IotCostEstimate {
  /**
   * Estimates the cloud assembly in `directory` (e.g. `cdk.out`, after `cdk synth`).
   */
  public static fromAssemblyDirectory(directory: string, options: CostEstimateOptions = {}): CostEstimate {
    return estimateAssemblyDirectory(directory, options);
  }

  /**
   * The library's prices, by key: each with its source page and the date it was recorded. Pass changed entries as
   * `CostEstimateOptions.prices`.
   */
  public static defaultPrices(): { [key: string]: Price } {
    return JSON.parse(JSON.stringify(DEFAULT_PRICES));
  }

  private constructor() {}
}
