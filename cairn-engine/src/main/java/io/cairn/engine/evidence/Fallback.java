package io.cairn.engine.evidence;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A blob one copy failed (missing, or failing verification) and the copy that served it instead ({@code servedBy} null: none). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Fallback(String blob, String failedIn, String error, String servedBy) {}
