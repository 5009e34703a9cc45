/** Concurrent device connections one `iot.data` interface endpoint accepts (AWS IoT Core quota). */
export const DEVICES_PER_ENDPOINT = 100_000;

/** AWS IoT Core lowers MQTT keep-alive values above this over a VPC endpoint. */
export const MAX_MQTT_KEEP_ALIVE_SECONDS = 230;

/** AWS IoT Core's MQTT port (TLS, X.509 client certificate). */
export const MQTT_PORT = 8883;
/** AWS IoT Core's HTTPS port (X.509 client certificate). */
export const HTTPS_PORT = 8443;
/** AWS IoT Core's port 443: MQTT or HTTPS chosen by ALPN (and the credentials provider's only port). */
export const ALPN_PORT = 443;

/** The TCP ports AWS IoT Core data endpoints listen on: 443 (MQTT or HTTPS with ALPN), 8443 (HTTPS), 8883 (MQTT). */
export const IOT_ENDPOINT_PORTS: readonly number[] = [ALPN_PORT, HTTPS_PORT, MQTT_PORT];

/** Route 53 answers with at most this many weighted records of one name and type. */
export const MAX_WEIGHTED_RECORDS_PER_NAME = 100;

/** AWS PrivateLink quota "Interface and Gateway Load Balancer endpoints per VPC" (adjustable; default). */
export const INTERFACE_ENDPOINTS_PER_VPC = 50;

/**
 * Elastic Load Balancing quota "Targets per Availability Zone per Network Load Balancer" (adjustable; default). A target
 * registered with N target groups counts N times; with cross-zone load balancing on, it caps the whole load balancer.
 */
export const NLB_TARGETS_PER_ZONE = 500;

/** Elastic Load Balancing quota "Targets per Target Group per Region" for IP targets (adjustable; default). */
export const NLB_TARGETS_PER_TARGET_GROUP = 1_000;

/** IAM: the inline policies of one role may total 10,240 characters (white space not counted). */
export const MAX_ROLE_INLINE_POLICY_CHARS = 10_240;
