/** Concurrent device connections one `iot.data` interface endpoint accepts (AWS IoT Core quota). */
export const DEVICES_PER_ENDPOINT = 100_000;

/** AWS IoT Core lowers MQTT keep-alive values above this over a VPC endpoint. */
export const MAX_MQTT_KEEP_ALIVE_SECONDS = 230;

/** The TCP ports AWS IoT Core data endpoints listen on: 443 (MQTT or HTTPS with ALPN), 8443 (HTTPS), 8883 (MQTT). */
export const IOT_ENDPOINT_PORTS: readonly number[] = [443, 8443, 8883];

/** Route 53 answers with at most this many weighted records of one name and type. */
export const MAX_WEIGHTED_RECORDS_PER_NAME = 100;
