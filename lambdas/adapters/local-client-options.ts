/**
 * SDK client options for a local stand-in (dynalite, the gateway emulator). They never check
 * signatures, so fixed dummy credentials are used: real ones must not leave for a local port.
 */
export const LOCAL_REGION = 'local';

export function localClientOptions(endpoint: string, region?: string) {
  return {
    endpoint,
    region: region ?? LOCAL_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
}
