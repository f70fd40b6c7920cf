import { describe, expect, it } from 'vitest';
import { decodeGatewayErrorFrame } from '../../../agent/transport/gateway-error-frame';
import { gatewayErrorFrame } from '../../../infra/local/gateway-error-frames';

describe('API Gateway\'s own error frames', () => {
  it.each([
    ['Too Many Requests', true],
    ['Internal server error', true],
    ['Endpoint request timed out', true],
    ['Forbidden', false],
  ] as const)('recognizes "%s" byte for byte as the local gateway (and API Gateway) sends it; transient: %s', (message, transient) => {
    const frame = gatewayErrorFrame(message, 'XDmENcnwIE0CFEQ=', 'XDmGEE2RoE0FRdQ=');

    expect(decodeGatewayErrorFrame(frame)).toEqual({ message, transient });
  });

  it('takes a message it does not know as not transient: sending again would not be known to help', () => {
    expect(decodeGatewayErrorFrame('{"message":"Limit Exceeded"}')).toEqual({ message: 'Limit Exceeded', transient: false });
  });

  it.each([
    ['a protocol message', '{"action":"error","code":"internal","message":"Internal server error"}'],
    ['a message that is not a string', '{"message":42}'],
    ['an array', '[{"message":"Too Many Requests"}]'],
    ['JSON that is not an object', '"Too Many Requests"'],
    ['not JSON', 'Too Many Requests'],
  ])('is not fooled by %s', (_what, text) => {
    expect(decodeGatewayErrorFrame(text)).toBeUndefined();
  });
});
