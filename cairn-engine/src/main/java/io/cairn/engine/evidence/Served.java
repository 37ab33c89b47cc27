package io.cairn.engine.evidence;

/** What one copy of a point served a restore: blobs and their plaintext bytes. */
public record Served(String repository, long blobs, long bytes) {}
