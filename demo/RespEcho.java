import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Stand-in cache node for demo/run.sh when redis-server is not installed: answers the two
 * Redis commands the demo sends (PING, INFO) in the Redis protocol, inline or as arrays, so
 * redis-cli and a plain bash /dev/tcp client both work. Every instance has its own run_id.
 * Usage: java RespEcho.java BIND_ADDRESS PORT NODE_NAME
 */
public final class RespEcho {
    public static void main(String[] args) throws IOException {
        byte[] id = new byte[20];
        new SecureRandom().nextBytes(id);
        String runId = HexFormat.of().formatHex(id);
        String node = args[2];
        try (ServerSocket server = new ServerSocket(Integer.parseInt(args[1]), 50, InetAddress.getByName(args[0]))) {
            System.out.println("RespEcho " + node + " listening on " + args[0] + ":" + args[1] + " run_id " + runId);
            while (true) {
                Socket client = server.accept();
                Thread worker = new Thread(() -> serve(client, node, runId), "client");
                worker.setDaemon(true);
                worker.start();
            }
        }
    }

    private static void serve(Socket client, String node, String runId) {
        try (client;
                BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
                OutputStream out = client.getOutputStream()) {
            List<String> command;
            while ((command = readCommand(in)) != null) {
                String name = command.isEmpty() ? "" : command.get(0).toUpperCase(Locale.ROOT);
                String reply = switch (name) {
                    case "PING" -> "+PONG\r\n";
                    case "INFO" -> bulk("# Server\r\nredis_version:respecho\r\nrun_id:" + runId + "\r\nnode:" + node + "\r\n");
                    case "QUIT" -> "+OK\r\n";
                    default -> "-ERR only PING and INFO are supported by this stand-in\r\n";
                };
                out.write(reply.getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (name.equals("QUIT")) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // A client that disconnects or sends garbage only ends its own connection.
        }
    }

    /** One command: an inline line ("PING") or a RESP array of bulk strings; null at end of input. */
    private static List<String> readCommand(BufferedReader in) throws IOException {
        String line = in.readLine();
        if (line == null) {
            return null;
        }
        List<String> words = new ArrayList<>();
        if (line.startsWith("*")) {
            int count = Integer.parseInt(line.substring(1).strip());
            for (int i = 0; i < count; i++) {
                in.readLine(); // $length
                words.add(in.readLine());
            }
        } else {
            for (String word : line.strip().split("\\s+")) {
                if (!word.isEmpty()) {
                    words.add(word);
                }
            }
        }
        return words;
    }

    private static String bulk(String text) {
        return "$" + text.getBytes(StandardCharsets.UTF_8).length + "\r\n" + text + "\r\n";
    }
}
