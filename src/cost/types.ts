/**
 * The types of the cost estimate (issue 16). DEPENDENCY-FREE: the `cdk-private-iot cost` CLI uses them.
 */

/** One billed dimension's price, in US dollars. */
export interface Price {
  /** The US East (N. Virginia) price per `unit`: the fallback for regions `usdByRegion` does not list. */
  readonly usd: number;
  /**
   * Prices of regions that differ from `usd`, by region name.
   * @default - every region uses `usd` (the estimate marks such figures as fallbacks)
   */
  readonly usdByRegion?: { [region: string]: number };
  /** What one unit is, e.g. `endpoint-AZ-hour` or `GB`. */
  readonly unit: string;
  /** What is billed. */
  readonly description: string;
  /** The pricing page the figure comes from. */
  readonly source: string;
  /** When the figure was recorded (YYYY-MM-DD). */
  readonly recorded: string;
  /**
   * What is uncertain about the figure.
   * @default - nothing
   */
  readonly note?: string;
}

/** Options of a cost estimate. */
export interface CostEstimateOptions {
  /**
   * Prices that replace the library's, by price key (see `IotCostEstimate.defaultPrices()` for the keys).
   * @default - the library's prices
   */
  readonly prices?: { [key: string]: Price };
  /**
   * Gigabytes of device traffic a month: multiplies the per-GB rates of the components on the path.
   * @default - traffic is not estimated; the rates are listed
   */
  readonly gbPerMonth?: number;
  /**
   * Hours in a month.
   * @default 730
   */
  readonly hoursPerMonth?: number;
}

/** A fixed monthly charge of one stack. */
export interface CostLine {
  /** The stack (CloudFormation stack name). */
  readonly stack: string;
  /** The account that pays (the stack's, or the profile owner's for Route 53 Profile associations). */
  readonly account: string;
  /** The stack's region. */
  readonly region: string;
  /** The price key, e.g. `interfaceEndpointAzHour`. */
  readonly priceKey: string;
  /** What is billed, e.g. `interface endpoints (5 x 2 AZs)`. */
  readonly item: string;
  /** How many billed things: endpoint AZs, addresses, zones, ... */
  readonly count: number;
  /** Units billed a month (`count` x hours for hourly prices). */
  readonly quantity: number;
  /** The unit of `quantity` and of `unitUsd`. */
  readonly unit: string;
  /** The price of one unit. */
  readonly unitUsd: number;
  /** `quantity` x `unitUsd`. */
  readonly monthlyUsd: number;
  /** Whether the price is the us-east-1 fallback (no figure recorded for `region`). */
  readonly fallback: boolean;
  /** The logical ids of the resources billed. */
  readonly resources: string[];
}

/** A usage-based rate (traffic, messages, queries) of a component the assembly has. */
export interface CostRate {
  /** The region. */
  readonly region: string;
  /** The price key. */
  readonly priceKey: string;
  /** What is billed. */
  readonly description: string;
  /** The price of one unit. */
  readonly usd: number;
  /** The unit. */
  readonly unit: string;
  /** Whether the price is the us-east-1 fallback. */
  readonly fallback: boolean;
  /**
   * The monthly charge for `CostEstimateOptions.gbPerMonth` (GB rates only).
   * @default - not estimated
   */
  readonly monthlyUsd?: number;
}

/** The fixed monthly charges of one account. */
export interface AccountCost {
  /** The account id (or `unknown-account` for environment-agnostic stacks). */
  readonly account: string;
  /** Its stacks. */
  readonly stacks: string[];
  /** The sum of its fixed monthly charges. */
  readonly monthlyUsd: number;
}

/** The cost estimate of a cloud assembly. */
export interface CostEstimate {
  /** Fixed monthly charges, per stack and price key. */
  readonly lines: CostLine[];
  /** Usage-based rates of the components the assembly has, per region. */
  readonly rates: CostRate[];
  /** Fixed monthly charges per account, in the order the stacks come. */
  readonly accounts: AccountCost[];
  /** The sum of the fixed monthly charges. */
  readonly monthlyUsd: number;
  /**
   * The traffic charges for `gbPerMonth`.
   * @default - not estimated
   */
  readonly trafficMonthlyUsd?: number;
  /** Where a cheaper construct gives the same result, with the figure. */
  readonly guidance: string[];
  /** Assumptions the estimate made (unknown subnet counts, fallback prices). */
  readonly notes: string[];
  /** The hours in a month the estimate used. */
  readonly hoursPerMonth: number;
}
