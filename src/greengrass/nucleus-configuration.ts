/**
 * Options of `GreengrassCoreIotPolicy.nucleusConfiguration()` and `nucleusConfigYaml()`: the `aws.greengrass.Nucleus`
 * settings that depend on how the core device reaches AWS IoT Core (AWS IoT Greengrass V2 Developer Guide,
 * "Greengrass nucleus", section "Configuration",
 * https://docs.aws.amazon.com/greengrass/v2/developerguide/greengrass-nucleus-component.html).
 */
export interface NucleusConfigurationOptions {
  /**
   * The host name devices connect to for MQTT and, with `greengrassDataPlaneEndpoint: iotdata`, for the AWS IoT
   * Greengrass data plane: set it to the custom domain of an `AWS::IoT::DomainConfiguration` (e.g. a
   * `StaticIpIotFrontDoor` custom domain) when the devices use one. A host name only: no scheme, port or path.
   * @default - the endpoint's `dataEndpointAddress()` (the account's ATS data endpoint)
   */
  readonly iotDataEndpoint?: string;

  /**
   * The port of the AWS IoT Greengrass data plane connections (`greengrassDataPlanePort`): 8443, or 443 where only
   * port 443 may leave the device's network. Both are open on the `iot.data` interface endpoints.
   * @default - not set: the nucleus uses 8443
   */
  readonly greengrassDataPlanePort?: number;

  /**
   * The MQTT port (`mqtt.port`): 8883, or 443 (MQTT with ALPN `x-amzn-mqtt-ca`).
   * @default - not set: the nucleus uses 8883
   */
  readonly mqttPort?: number;
}
