/** A container is named across the system by the agent that owns it plus Docker's id. */
export interface ContainerRef {
  readonly agentId: string;
  readonly containerId: string;
}

/** "agentId/containerId": a map key for clients; ids never contain "/" (see SafeId). */
export function containerKey(ref: ContainerRef): string {
  return `${ref.agentId}/${ref.containerId}`;
}
