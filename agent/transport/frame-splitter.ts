/**
 * Cuts an encoded text message into WebSocket frame payloads of at most `maxBytes`.
 * Cuts land on UTF-8 character boundaries, so every fragment is valid text on its own — some
 * receivers validate each frame rather than the reassembled message.
 */
export function splitIntoFrames(message: Buffer, maxBytes: number): Buffer[] {
  if (maxBytes < 4) throw new RangeError(`a frame must hold at least one UTF-8 character (4 bytes), got ${maxBytes}`);
  const frames: Buffer[] = [];
  let start = 0;
  while (message.length - start > maxBytes) {
    let end = start + maxBytes;
    // Step back over continuation bytes (10xxxxxx) to the start of the character being cut.
    while (end > start && (message[end]! & 0xc0) === 0x80) end--;
    frames.push(message.subarray(start, end));
    start = end;
  }
  frames.push(message.subarray(start));
  return frames;
}
