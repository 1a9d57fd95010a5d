package dev.natagent.agent.protocol;

/**
 * An export or metrics document. On the wire a JSON document's content is embedded as an object,
 * other formats as a string.
 */
public record TextDocument(String format, String content) {}
