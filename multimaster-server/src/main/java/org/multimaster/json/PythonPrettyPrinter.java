package org.multimaster.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.PrettyPrinter;
import java.io.IOException;

/**
 * The whitespace of Python's {@code json.dumps}: with {@code indent=2}, a line break and two spaces
 * per level before every entry, {@code ","} between entries and {@code ": "} after keys, and empty
 * containers as {@code []} and {@code {}}; without indent, {@code ", "} and {@code ": "} on one
 * line.
 *
 * <p>Not thread-safe: it counts the nesting; {@link BuildbotJson} makes one per document.
 */
final class PythonPrettyPrinter implements PrettyPrinter {

    private final boolean indent;
    private int depth;

    PythonPrettyPrinter(boolean indent) {
        this.indent = indent;
    }

    @Override
    public void writeRootValueSeparator(JsonGenerator gen) throws IOException {
        gen.writeRaw(' ');
    }

    @Override
    public void writeStartObject(JsonGenerator gen) throws IOException {
        gen.writeRaw('{');
        depth++;
    }

    @Override
    public void beforeObjectEntries(JsonGenerator gen) throws IOException {
        newLine(gen);
    }

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator gen) throws IOException {
        gen.writeRaw(": ");
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator gen) throws IOException {
        separator(gen);
    }

    @Override
    public void writeEndObject(JsonGenerator gen, int nrOfEntries) throws IOException {
        depth--;
        if (nrOfEntries > 0) {
            newLine(gen);
        }
        gen.writeRaw('}');
    }

    @Override
    public void writeStartArray(JsonGenerator gen) throws IOException {
        gen.writeRaw('[');
        depth++;
    }

    @Override
    public void beforeArrayValues(JsonGenerator gen) throws IOException {
        newLine(gen);
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator gen) throws IOException {
        separator(gen);
    }

    @Override
    public void writeEndArray(JsonGenerator gen, int nrOfValues) throws IOException {
        depth--;
        if (nrOfValues > 0) {
            newLine(gen);
        }
        gen.writeRaw(']');
    }

    private void separator(JsonGenerator gen) throws IOException {
        if (indent) {
            gen.writeRaw(',');
            newLine(gen);
        } else {
            gen.writeRaw(", ");
        }
    }

    private void newLine(JsonGenerator gen) throws IOException {
        if (indent) {
            gen.writeRaw('\n');
            gen.writeRaw("  ".repeat(depth));
        }
    }
}
