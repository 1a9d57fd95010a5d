package dev.natagent.agent.bench;

import static dev.natagent.agent.bench.AgentBench.args;
import static dev.natagent.agent.bench.AgentBench.call;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.model.ModelJson;
import java.nio.file.Path;

/**
 * The requests {@code bench/agent-rss.sh} sends a running daemon before it reads the daemon's
 * memory: what operators and scrapers ask of a NAT instance (status, the forward list, metrics in
 * both formats, an nft export) and {@code PAIRS} single forwards added and removed.
 *
 * <p>{@code RssWorkload SOCKET PAIRS}
 */
public final class RssWorkload {
    private RssWorkload() {}

    public static void main(String[] args) throws Exception {
        Path socket = Path.of(args[0]);
        int pairs = Integer.parseInt(args[1]);
        call(socket, "status", args());
        call(socket, "forward.list", args());
        call(socket, "metrics", args().put("format", "json"));
        call(socket, "metrics", args().put("format", "prometheus"));
        call(socket, "export", args().put("format", "nft"));
        JsonNode extra = ModelJson.toTree(AgentBench.extra());
        for (int i = 0; i < pairs; i++) {
            call(socket, "forward.add", args().set("forward", extra));
            call(socket, "forward.remove", args().put("name", "extra"));
        }
        call(socket, "metrics", args().put("format", "prometheus"));
    }
}
