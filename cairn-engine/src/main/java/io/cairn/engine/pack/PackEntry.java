package io.cairn.engine.pack;

import io.cairn.engine.BlobId;

/**
 * Where a blob lives inside a pack. {@code length} is the stored (encrypted) length, {@code
 * rawLength} the plaintext length after decompression.
 */
public record PackEntry(BlobId id, BlobType type, Compression compression, int offset, int length, int rawLength) {}
