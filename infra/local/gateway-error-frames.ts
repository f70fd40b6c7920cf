/**
 * The JSON text frames API Gateway itself sends a client when a message cannot be delivered to an
 * integration. The odd spacing is API Gateway's, reproduced byte for byte, e.g.
 *   {"message": "Forbidden", "connectionId":"XDmENcnwIE0CFEQ=", "requestId":"XDmGEE2RoE0FRdQ="}
 */
export type GatewayErrorMessage =
  /** No route matched the message and there is no $default route. */
  | 'Forbidden'
  /** The integration failed (the Lambda threw or its invocation failed). */
  | 'Internal server error'
  /** The integration did not answer within the integration timeout (29 s). */
  | 'Endpoint request timed out'
  /** The route's (or the account's) throttling limit was reached; the connection stays open. */
  | 'Too Many Requests';

export function gatewayErrorFrame(message: GatewayErrorMessage, connectionId: string, requestId: string): string {
  return `{"message": ${JSON.stringify(message)}, "connectionId":${JSON.stringify(connectionId)}, "requestId":${JSON.stringify(requestId)}}`;
}
