package dev.natagent.agent.model;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * A value that writes itself as one JSON value into a streaming generator: the records of the
 * model and of the admin protocol, each next to its reading. Writing needs jackson-core alone, so
 * a writer never builds a tree or a mapper.
 */
@FunctionalInterface
public interface JsonWritable {
    void write(JsonGenerator out) throws IOException;
}
