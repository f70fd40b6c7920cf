/** This machine cannot run a private engine at all (not root, no dockerd). Nothing was started. */
export class DockerEngineUnavailableError extends Error {
  override readonly name = 'DockerEngineUnavailableError';
}

/** dockerd was started but never answered /_ping; the message carries the tail of its log. */
export class DockerEngineStartError extends Error {
  override readonly name = 'DockerEngineStartError';
}

/** The engine's processes or files outlived stop(). */
export class DockerEngineStopError extends Error {
  override readonly name = 'DockerEngineStopError';
}
