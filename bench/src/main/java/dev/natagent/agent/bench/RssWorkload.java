package dev.natagent.agent.bench;

import static dev.natagent.agent.bench.AgentBench.args;
import static dev.natagent.agent.bench.AgentBench.call;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.model.TestJson;
import java.nio.file.Path;

/**
 * The requests {@code bench/agent-rss.sh} sends a running daemon before it reads the daemon's
 * memory: what operators and scrapers ask of a NAT instance (status, the forward list, metrics in
 * both formats, an nft export) and {@code PAIRS} single forwards added and removed. The script
 * sends them one kind at a time, so that it can read the peak each one causes.
 *
 * <p>{@code RssWorkload SOCKET status|list|metrics-json|metrics-prometheus|export-nft|PAIRS}
 */
public final class RssWorkload {
    private RssWorkload() {}

    public static void main(String[] args) throws Exception {
        Path socket = Path.of(args[0]);
        switch (args[1]) {
            case "status" -> call(socket, "status", args());
            case "list" -> call(socket, "forward.list", args());
            case "metrics-json" -> call(socket, "metrics", args().put("format", "json"));
            case "metrics-prometheus" -> call(socket, "metrics", args().put("format", "prometheus"));
            case "export-nft" -> call(socket, "export", args().put("format", "nft"));
            default -> pairs(socket, Integer.parseInt(args[1]));
        }
    }

    private static void pairs(Path socket, int pairs) throws Exception {
        JsonNode extra = TestJson.toTree(AgentBench.extra());
        for (int i = 0; i < pairs; i++) {
            call(socket, "forward.add", args().set("forward", extra));
            call(socket, "forward.remove", args().put("name", "extra"));
        }
    }
}
