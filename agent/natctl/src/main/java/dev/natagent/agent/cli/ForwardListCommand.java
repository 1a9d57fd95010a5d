package dev.natagent.agent.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.protocol.ForwardView;
import dev.natagent.agent.protocol.Op;
import dev.natagent.agent.protocol.ReplyFields;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The listing is read as it arrives, one forward at a time into its record and its table row (or
 * copied to the JSON output), never held whole: 50,000 forwards are megabytes of reply.
 */
final class ForwardListCommand extends AgentCommand {
    private static final String WHAT = "forward.list reply";

    private final OptionSpec output = Specs.output();

    static CommandSpec spec() {
        ForwardListCommand command = new ForwardListCommand();
        CommandSpec spec = Specs.command(
                command, "List forwards with their targets, allow-lists, counters and health.", command.output);
        Specs.examples(spec, "natctl forward list", "natctl forward list -o wide", "natctl --json forward list");
        return spec;
    }

    @Override
    public Integer call() {
        if (jsonOutput()) {
            client().call(Op.FORWARD_LIST, args(), new Pretty(out()));
            out().println();
            return ExitCode.OK;
        }
        boolean wide = "wide".equals(output.getValue());
        TextTable table = ForwardRows.table(wide);
        client().call(Op.FORWARD_LIST, args(), new Rows(table, wide));
        print(table);
        return ExitCode.OK;
    }

    /** The result printed as --json prints it, while it is read. */
    private record Pretty(PrintWriter out) implements AdminClient.ResultReader<Void> {
        @Override
        public Void read(JsonParser parser) throws IOException {
            CliJson.pretty(parser, out);
            return null;
        }
    }

    /** Each forward of {@code {"forwards":[...]}} read into its record and added to the table. */
    private record Rows(TextTable table, boolean wide) implements AdminClient.ResultReader<Void> {
        @Override
        public Void read(JsonParser parser) throws IOException {
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                ReplyFields.of(CliJson.readValue(parser), WHAT);
            }
            boolean listed = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                if (!name.equals("forwards")) {
                    parser.skipChildren();
                } else if (parser.currentToken() != JsonToken.START_ARRAY) {
                    // Not a list: ReplyFields says what it is instead, in its words.
                    shape(CliJson.readValue(parser));
                } else {
                    for (int index = 0; parser.nextToken() != JsonToken.END_ARRAY; index++) {
                        JsonNode forward = CliJson.readValue(parser);
                        ForwardView view = ForwardView.read(ReplyFields.of(forward, WHAT + ".forwards[" + index + "]"));
                        ForwardRows.add(table, view, wide);
                    }
                    listed = true;
                }
            }
            if (!listed) {
                shape(null);
            }
            return null;
        }

        /** Throws the error ReplyFields gives a reply whose {@code forwards} is {@code value} (null: none). */
        private static void shape(JsonNode value) {
            ObjectNode reply = CliJson.object();
            if (value != null) {
                reply.set("forwards", value);
            }
            ReplyFields.of(reply, WHAT).objects("forwards");
        }
    }
}
